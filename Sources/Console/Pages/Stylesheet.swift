/// The console's one stylesheet, served from /static/console.css (no inline styles: the CSP
/// forbids them). Plain, high-contrast, visible focus.
enum Stylesheet {
    static let text = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.5; }
        header { display: flex; justify-content: space-between; align-items: center; padding: .5rem 1rem; background: #0b3d66; color: #fff; }
        header a, header span { color: #fff; margin-right: 1rem; }
        main { padding: 1rem; max-width: 80rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 1px solid #767676; padding: .3rem .5rem; text-align: left; vertical-align: top; }
        caption { text-align: left; font-weight: bold; padding: .3rem 0; }
        a:focus, button:focus, input:focus, select:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
        .error { color: #b00020; font-weight: bold; }
        select, input { max-width: 100%; }
        .hint { color: #4a4a4a; font-size: .9rem; }
        form.filters label { margin-left: .5rem; }
        form.filters label:first-child { margin-left: 0; }
        form.inline { margin: 1.5rem 0 0; }
        .columns { display: flex; gap: 2rem; flex-wrap: wrap; align-items: flex-start; }
        .columns table { width: auto; }
        figure.chart { margin: 0 0 .5rem; flex: 1 1 28rem; max-width: 48rem; }
        h3 { margin-bottom: .25rem; }
        fieldset { border: 1px solid #767676; margin: 0 0 1rem; }
        button { padding: .25rem .75rem; }
        form.signout { display: inline; }
        td { overflow-wrap: break-word; }
        /* A phone: each table row becomes a card, its cells one under the other, labelled. */
        @media (max-width: 40rem) {
            table, thead, tbody, tr, th, td, caption { display: block; }
            thead { position: absolute; left: -9999px; }
            tr { border: 1px solid #767676; margin-bottom: .75rem; }
            th, td { border: none; }
            td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
            header { flex-wrap: wrap; }
        }
        """
}
