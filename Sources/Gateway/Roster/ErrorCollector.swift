import CertGateCore

/// Gathers the problems of one input file so they can be reported together, keeping the first
/// few in full and counting the rest.
struct ErrorCollector {
    let file: String
    let limit: Int
    private(set) var errors: [InputError] = []
    private(set) var total = 0

    init(file: String, limit: Int) {
        self.file = file
        self.limit = limit
    }

    var isClean: Bool { total == 0 }

    mutating func add(_ error: InputError) {
        total += 1
        if errors.count < limit { errors.append(error) }
    }

    /// Runs a row's parsing; a bad value is recorded and gives nil.
    mutating func check<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as InputError {
            add(error)
            return nil
        } catch {
            add(InputError(InputLocation(file: file), "\(error)"))
            return nil
        }
    }

    /// Opens the file's header; a bad header ends the import at once.
    mutating func open<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as InputError {
            add(error)
            throw failure
        }
    }

    /// The next row; a structural CSV error (an unclosed quote) ends reading at once, since the
    /// rows after it cannot be trusted.
    mutating func nextRow<Field>(_ table: CSVTable<Field>) throws -> CSVTable<Field>.Row? {
        while true {
            do {
                return try table.next()
            } catch let error as InputError where error.isRecoverable {
                add(error)  // a ragged row: the next rows are still readable
            } catch let error as InputError {
                add(error)
                throw failure
            }
        }
    }

    /// Throws every collected error if there was any.
    func finish() throws {
        if !isClean { throw failure }
    }

    var failure: InputErrors { InputErrors(file: file, errors: errors, total: total) }
}
