import CertGateCore
import Foundation
import Matching

/// A reproducible random source, so benchmark figures can be compared run to run.
typealias SeededRandom = SplitMix64

extension SplitMix64 {
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
}

/// Synthetic rosters and provider results for measuring the matcher.
///
/// The roster: given names and surnames drawn from lists of common names with a skew (common
/// names repeat, as in real districts) and from a long tail of rare ones, 15% compound surnames (García-López), half with a middle name, dates of birth over
/// five birth years, 1% twins (same surname and birthday, another given name) and 1% namesakes
/// (same name, another birthday).
///
/// The noise model of results (each applied independently; names and dates of birth only — no
/// IDs, no email): 5% of results are people not in the roster; given name: 8% a nickname, 4% one
/// typo (a letter replaced, dropped, doubled or two swapped), 2% given and middle name together;
/// surname: 4% one typo, 4% only the first part of a compound surname, 1% the hyphen as a space,
/// 1% a suffix added ("Jr."); 2% given name and surname swapped; 10% all capitals, 10% accents
/// dropped; date of birth: 3% missing, 2% day and month swapped, 2% one digit wrong, 0.5% another
/// date entirely.
struct SyntheticPeople {
    struct Person {
        var first: String
        var middle: String?
        var last: String
        var dateOfBirth: CalendarDate
    }

    static let givenNames = [
        "William", "Katherine", "Elizabeth", "Robert", "James", "Michael", "Christopher", "Alexander", "Joseph", "José",
        "Daniel", "Matthew", "Nicholas", "Benjamin", "Samuel", "Samantha", "Thomas", "Andrew", "David", "Margaret",
        "Jennifer", "Jessica", "Rebecca", "Abigail", "Victoria", "Gabriel", "Isabella", "Olivia", "Zachary", "Timothy",
        "Patrick", "Francisco", "Alejandro", "Jacob", "Joshua", "Madison", "María", "Sofía", "Emily", "Jayden", "Aaliyah",
        "Liam", "Noah", "Mia", "Ava", "Ethan", "Lucas", "Chloe", "Mateo", "Zoe", "Emma", "Harper", "Camila", "Amelia",
        "Logan", "Sean", "Siobhan", "Ximena", "Yusuf", "Hannah", "Caleb", "Léa", "Aiden", "Elijah", "Layla", "Nora",
        "Ngoc", "Minh", "Thao", "Huy", "Fatima", "Omar", "Aisha", "Ibrahim", "Priya", "Arjun", "Ananya", "Rohan", "Wei",
        "Jun", "Mei", "Hiroshi", "Yuki", "Kwame", "Amara", "Chidi", "Ngozi", "Santiago", "Valentina", "Diego", "Lucía",
        "Juan", "Carlos", "Luis", "Ana", "Carmen", "Rosa", "Jorge", "Miguel", "Elena", "Paula", "Andrés", "Gael", "Leah",
        "Ruby", "Jasmine", "Kayla", "Brianna", "Destiny", "Tyler", "Brandon", "Austin", "Kevin", "Justin", "Ryan",
        "Aaron", "Adam", "Connor", "Dylan", "Evan", "Gavin", "Hunter", "Isaac", "Jordan", "Kyle", "Landon", "Mason",
        "Nathan", "Owen", "Parker", "Riley", "Sydney", "Taylor", "Trinity", "Violet", "Wyatt", "Xavier", "Yasmin", "Zion",
    ]

    static let surnames = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Miller", "Davis", "Rodríguez", "Martínez",
        "Hernández", "López", "González", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
        "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramírez", "Lewis", "Robinson", "Walker", "Young",
        "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
        "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "O'Brien", "O'Connor", "McDonald", "MacLeod",
        "Tran", "Pham", "Le", "Vo", "Huynh", "Kim", "Park", "Choi", "Patel", "Shah", "Singh", "Khan", "Ali", "Hussain",
        "Okafor", "Mensah", "Adeyemi", "Diallo", "Cohen", "Levy", "Schmidt", "Müller", "Novak", "Kowalski", "Ivanov",
        "Rossi", "Russo", "Bianchi", "Silva", "Santos", "Oliveira", "Costa", "Pereira", "Alves", "Castillo", "Morales",
        "Ortiz", "Gutiérrez", "Chávez", "Ramos", "Ruiz", "Mendoza", "Vargas", "Castro", "Romero", "Herrera", "Medina",
        "Aguilar", "Vásquez", "Jiménez", "Moreno", "Delgado", "Peña", "Ríos", "Navarro", "Guerrero", "Cruz", "Reyes",
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Sato", "Suzuki", "Takahashi",
        "Tanaka", "Watanabe", "Cooper", "Reed", "Bailey", "Bell", "Murphy", "Rogers", "Cook", "Morgan", "Peterson",
        "Gray", "James", "Watson", "Brooks", "Kelly", "Sanders", "Price", "Bennett", "Wood", "Barnes", "Ross", "Henderson",
        "Coleman", "Jenkins", "Perry", "Powell", "Long", "Patterson", "Hughes", "Washington", "Butler", "Simmons",
        "Foster", "Bryant", "Alexander", "Russell", "Griffin", "Diaz", "Hayes", "Myers", "Ford", "Hamilton", "Graham",
        "Sullivan", "Wallace", "Woods", "Cole", "West", "Jordan", "Owens", "Reynolds", "Fisher", "Ellis", "Harrison",
        "Gibson", "Mcdaniel", "Cruz-Mendoza", "Stevens", "Tucker", "Porter", "Hunter", "Hicks", "Crawford", "Henry",
        "Boyd", "Mason", "Kennedy", "Warren", "Dixon", "Burns", "Gordon", "Shaw", "Holmes", "Rice", "Robertson",
    ]

    static let nicknames: [String: [String]] = [
        "William": ["Bill", "Will", "Billy"], "Katherine": ["Kate", "Katie", "Kathy"], "Elizabeth": ["Liz", "Beth"],
        "Robert": ["Rob", "Bob"], "James": ["Jim", "Jimmy"], "Michael": ["Mike"], "Christopher": ["Chris"],
        "Alexander": ["Alex"], "Joseph": ["Joe"], "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Nicholas": ["Nick"],
        "Benjamin": ["Ben"], "Samuel": ["Sam"], "Samantha": ["Sam"], "Thomas": ["Tom"], "Andrew": ["Andy", "Drew"],
        "David": ["Dave"], "Margaret": ["Maggie", "Meg"], "Jennifer": ["Jen"], "Jessica": ["Jess"], "Rebecca": ["Becky"],
        "Abigail": ["Abby"], "Victoria": ["Tori"], "Gabriel": ["Gabe"], "Isabella": ["Bella", "Izzy"], "Olivia": ["Liv"],
        "Zachary": ["Zach"], "Timothy": ["Tim"], "Patrick": ["Pat"], "Francisco": ["Paco"], "Jacob": ["Jake"],
        "Joshua": ["Josh"], "Madison": ["Maddie"], "Sofía": ["Sophie"], "Nathan": ["Nate"],
    ]

    var random: SeededRandom

    /// A skewed pick: early names in a list are more common (the first about 2%).
    mutating func skewed(_ list: [String]) -> String {
        let u = Double.random(in: 0..<1, using: &random)
        return list[min(list.count - 1, Int(pow(u, 1.4) * Double(list.count)))]
    }

    static let givenStarts = ["Ka", "Ja", "Bra", "Ty", "Ma", "Da", "Ri", "Lo", "Za", "Ne", "Sha", "Tre", "Jo", "Ari", "El", "Na", "Kei", "Ro", "Se", "Mi"]
    static let givenEnds = ["den", "lyn", "son", "ra", "na", "ley", "ric", "vin", "nah", "lee", "ton", "ya", "dre", "lo", "mi", "ael", "ette", "ian"]
    static let surnameStarts = ["Al", "Bran", "Car", "Dal", "Ed", "Fitz", "Gar", "Hol", "Ing", "Kes", "Lind", "Mor", "Nor", "Pem", "Quin", "Rad", "Stan", "Thorn", "Vel", "Whit", "Yar", "Zell", "Ost", "Bel"]
    static let surnameMiddles = ["", "a", "e", "in", "o", "er"]
    static let surnameEnds = ["berg", "bury", "dale", "field", "ford", "gate", "ham", "ley", "man", "more", "ridge", "son", "stead", "ton", "wick", "worth", "ez", "ski", "ova", "elli"]

    /// Half of given names and 70% of surnames come from the long tail, as in census data (the
    /// 130 commonest given names cover about half of people, the 200 commonest surnames under a
    /// third); the tail is made of syllables, thousands of names each rare.
    mutating func givenName() -> String {
        guard random.chance(0.5) else { return skewed(Self.givenNames) }
        return Self.givenStarts.randomElement(using: &random)! + Self.givenEnds.randomElement(using: &random)!
    }

    mutating func surname() -> String {
        guard random.chance(0.7) else { return skewed(Self.surnames) }
        return Self.surnameStarts.randomElement(using: &random)! + Self.surnameMiddles.randomElement(using: &random)!
            + Self.surnameEnds.randomElement(using: &random)!
    }

    mutating func person() -> Person {
        var last = surname()
        if random.chance(0.15) {
            var second = surname()
            while second == last { second = surname() }
            last += "-" + second
        }
        let middle = random.chance(0.5) ? givenName() : nil
        let dob = CalendarDate(year: Int.random(in: 2007...2011, using: &random), month: Int.random(in: 1...12, using: &random),
            day: Int.random(in: 1...28, using: &random))!
        return Person(first: givenName(), middle: middle, last: last, dateOfBirth: dob)
    }

    /// A roster of `count` people with twins and namesakes.
    mutating func roster(count: Int) -> [Person] {
        var people: [Person] = []
        people.reserveCapacity(count)
        while people.count < count {
            let person = self.person()
            people.append(person)
            if random.chance(0.01) && people.count < count {
                var twin = person
                while twin.first == person.first { twin.first = givenName() }
                twin.middle = nil
                people.append(twin)
            }
            if random.chance(0.01) && people.count < count {
                var namesake = self.person()
                namesake.first = person.first
                namesake.last = person.last
                people.append(namesake)
            }
        }
        return people
    }

    /// A result as a student might have typed it into a provider's registration.
    mutating func noisy(_ person: Person) -> (first: String, last: String, dateOfBirth: CalendarDate?) {
        var first = person.first
        var last = person.last
        if random.chance(0.08), let options = Self.nicknames[first] { first = options.randomElement(using: &random)! }
        if random.chance(0.04) { first = typo(first) }
        if random.chance(0.02), let middle = person.middle { first += " " + middle }
        if random.chance(0.04) { last = typo(last) }
        if random.chance(0.04), let hyphen = last.firstIndex(of: "-") { last = String(last[..<hyphen]) }
        if random.chance(0.01) { last = last.replacingOccurrences(of: "-", with: " ") }
        if random.chance(0.01) { last += ", Jr." }
        if random.chance(0.02) { swap(&first, &last) }
        if random.chance(0.10) {
            first = first.uppercased()
            last = last.uppercased()
        }
        if random.chance(0.10) {
            first = first.folding(options: .diacriticInsensitive, locale: nil)
            last = last.folding(options: .diacriticInsensitive, locale: nil)
        }
        var dob: CalendarDate? = person.dateOfBirth
        let roll = Double.random(in: 0..<1, using: &random)
        if roll < 0.03 {
            dob = nil
        } else if roll < 0.05 {
            dob = CalendarDate(year: person.dateOfBirth.year, month: person.dateOfBirth.day, day: person.dateOfBirth.month) ?? dob
        } else if roll < 0.07 {
            dob = oneDigitOff(person.dateOfBirth)
        } else if roll < 0.075 {
            dob = self.person().dateOfBirth
        }
        return (first, last, dob)
    }

    mutating func typo(_ word: String) -> String {
        var letters = Array(word)
        guard letters.count > 3 else { return word }
        let at = Int.random(in: 1..<(letters.count - 1), using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: letters[at] = Character(UnicodeScalar(UInt8.random(in: 97...122, using: &random)))
        case 1: letters.remove(at: at)
        case 2: letters.insert(letters[at], at: at)
        default: letters.swapAt(at, at + 1)
        }
        return String(letters)
    }

    mutating func oneDigitOff(_ date: CalendarDate) -> CalendarDate {
        for _ in 0..<20 {
            var digits = Array(date.description.replacingOccurrences(of: "-", with: ""))
            let at = Int.random(in: 2..<8, using: &random)
            digits[at] = Character(String(Int.random(in: 0...9, using: &random)))
            let text = String(digits)
            if let changed = CalendarDate(parsing: "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.suffix(2))"),
                changed != date
            {
                return changed
            }
        }
        return date
    }
}
