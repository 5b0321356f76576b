import CXML2
import Foundation

/// Walks an XML part of a workbook with libxml2's streaming reader, never holding the document:
/// no network, no DTD (a part that declares one is refused, so no entity can expand), and
/// entities never substituted.
struct XMLStream {
    enum Event {
        case start(name: String, attributes: [String: String], empty: Bool)
        case end(name: String)
        case text(String)
    }

    /// Reads `entry` of `archive`, handing each element and text to `handle`; `handle` returns
    /// false to stop early.
    static func walk(_ archive: ZipArchive, _ entry: String, _ handle: (Event) throws -> Bool) throws {
        certgate_xml_quiet()
        // libxml2 pulls the inflated part through `readEntry` a chunk at a time: a sheet is never
        // whole in memory, and the zip limits apply as it inflates.
        let stream = try archive.open(entry)
        let context = Unmanaged.passUnretained(stream).toOpaque()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        guard let reader = xmlReaderForIO(readEntry, nil, context, entry, nil, options) else {
            throw stream.failure ?? SpreadsheetError(archive.name, "\(entry) cannot be read as XML")
        }
        defer { xmlFreeTextReader(reader) }
        try withExtendedLifetime(stream) {
            func string(_ pointer: UnsafePointer<xmlChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
            while true {
                let status = xmlTextReaderRead(reader)
                if status == 0 { break }
                guard status == 1 else {
                    // libxml2's own reason, e.g. an entity loop or a text node past its 10 MB limit.
                    let reason = xmlGetLastError().flatMap { $0.pointee.message }.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
                    throw stream.failure
                        ?? SpreadsheetError(archive.name, "\(entry) is not well-formed XML (line \(xmlTextReaderGetParserLineNumber(reader))"
                            + (reason.map { ": \($0)" } ?? "") + ")")
                }
                switch Int32(xmlTextReaderNodeType(reader)) {
                case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue), Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue),
                    Int32(XML_READER_TYPE_ENTITY.rawValue):
                    throw SpreadsheetError(archive.name, "\(entry) declares a DTD or entities, which a workbook never does: refused")
                case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                    let name = string(xmlTextReaderConstLocalName(reader))
                    let empty = xmlTextReaderIsEmptyElement(reader) == 1
                    var attributes: [String: String] = [:]
                    if xmlTextReaderHasAttributes(reader) == 1 {
                        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                            attributes[string(xmlTextReaderConstLocalName(reader))] = string(xmlTextReaderConstValue(reader))
                        }
                        xmlTextReaderMoveToElement(reader)
                    }
                    guard try handle(.start(name: name, attributes: attributes, empty: empty)) else { return }
                    if empty { guard try handle(.end(name: name)) else { return } }
                case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                    guard try handle(.end(name: string(xmlTextReaderConstLocalName(reader)))) else { return }
                case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue),
                    Int32(XML_READER_TYPE_CDATA.rawValue):
                    guard try handle(.text(string(xmlTextReaderConstValue(reader)))) else { return }
                default: break
                }
            }
        }
    }
}

private let readEntry: xmlInputReadCallback = { context, buffer, length in
    guard let context, let buffer else { return -1 }
    return Int32(Unmanaged<ZipEntryStream>.fromOpaque(context).takeUnretainedValue().read(buffer, Int(length)))
}
