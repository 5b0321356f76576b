/// A horizontal bar chart as server-rendered SVG (no script; colours as SVG attributes, which the
/// CSP allows), always next to a table with the same figures: the chart is for the eye, the
/// table is its text equivalent.
enum BarChart {
    struct Bar {
        var label: String
        var value: Double
        /// What the bar's end says, e.g. "12" or "83% (10 of 12)".
        var shown: String
    }

    /// `maximum`: the value of a full bar (1 for rates); default the largest value.
    static func svg(id: String, title: String, bars: [Bar], maximum: Double? = nil) -> String {
        guard !bars.isEmpty else { return "" }
        let rowHeight = 26, labelWidth = 260, barWidth = 360, width = labelWidth + barWidth + 150
        let top = max(maximum ?? bars.map(\.value).max() ?? 1, 0.000_001)
        let height = bars.count * rowHeight + 8
        let rows = bars.enumerated().map { index, bar in
            let y = index * rowHeight + 4
            let length = Int((bar.value / top * Double(barWidth)).rounded())
            let label = bar.label.count > 38 ? String(bar.label.prefix(37)) + "…" : bar.label
            return """
                <text x="\(labelWidth - 8)" y="\(y + 17)" text-anchor="end" font-size="14" fill="#1a1a1a">\(HTML.escape(label))</text>
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(max(length, 1))" height="\(rowHeight - 8)" fill="#0b3d66"></rect>
                <text x="\(labelWidth + max(length, 1) + 6)" y="\(y + 17)" font-size="14" fill="#1a1a1a">\(HTML.escape(bar.shown))</text>
                """
        }.joined()
        return """
            <figure class="chart"><svg role="img" aria-labelledby="\(id)-title" viewBox="0 0 \(width) \(height)" width="100%" preserveAspectRatio="xMinYMin meet">
            <title id="\(id)-title">\(HTML.escape(title)) (the table below gives the same figures)</title>\(rows)</svg></figure>
            """
    }
}
