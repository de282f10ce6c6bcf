import Foundation
import HeraldModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line (or CSV row) of an inbox import before it is checked: an item's fields, or why it holds none.
enum InboxLine: Sendable {
    case draft(Int, InboxDraft)
    case unreadable(Int, String)
}

/// A block of lines after checking and sorting, handed from the reading thread to the storing one.
struct InboxCheckedBlock: Sendable {
    enum Entry: Sendable {
        /// The line, the item, its labels as stored (JSON), and who may answer it (routing picks among them in order).
        case item(Int, InboxItem, String, InboxCandidates?)
        case problems(Int, [(String, String)])
    }

    var entries: [Entry] = []
    /// Lines that held an item (valid or not).
    var drafts = 0
    /// The file could not be read on: the import stops with this.
    var error: ImportError?
}

/// A bounded queue between producing and consuming threads: `put` waits while it is full, `take` while it is empty.
/// `cancel` (the consumer gave up) makes every later `put` return false and `take` nil, so every thread stops.
final class Handoff<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [T] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ value: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(value)
        condition.broadcast()
        return true
    }

    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while queue.count == head && !finished && !cancelled { condition.wait() }
        guard !cancelled, queue.count > head else { return nil }
        let value = queue[head]
        head += 1
        if head > 64 { queue.removeFirst(head); head = 0 }
        condition.broadcast()
        return value
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        queue = []
        head = 0
        condition.broadcast()
        condition.unlock()
    }
}

/// Blocks numbered 0, 1, 2… put by several threads in any order and taken by one in their order. `put` waits while its
/// block is `window` or more ahead of the next one to take (memory stays bounded); `take` waits for the next block and
/// gives nil once `finish(count:)` said there are no more. `cancel` stops both sides.
final class OrderedHandoff<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [Int: T] = [:]
    private var next = 0
    private var count: Int?
    private var cancelled = false
    private let window: Int

    init(window: Int) { self.window = window }

    func put(_ number: Int, _ value: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while number >= next + window && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        slots[number] = value
        condition.broadcast()
        return true
    }

    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while slots[next] == nil && !cancelled && !(count.map { next >= $0 } ?? false) { condition.wait() }
        guard !cancelled, let value = slots.removeValue(forKey: next) else { return nil }
        next += 1
        condition.broadcast()
        return value
    }

    /// No block numbered `count` or more will come.
    func finish(count: Int) {
        condition.lock()
        self.count = count
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        slots = [:]
        condition.broadcast()
        condition.unlock()
    }
}

/// Reads a JSON Lines file a block at a time (never the whole file), numbering lines from 1, dropping a line's `\r`
/// before its `\n` and skipping blank lines. Each line is parsed into an item's fields.
final class JSONLinesReader: @unchecked Sendable {
    private let path: String
    private var fd: Int32 = -1
    private var memory: [UInt8]?
    static let block = 1024

    /// Opens the file; a missing file, a folder or one that cannot be read is `ImportError.unreadable` (exit 66).
    init(path: String) throws(ImportError) {
        fd = try ImportError.open(path)
        self.path = path
    }

    /// Lines from a text in memory.
    init(bytes: [UInt8]) {
        path = "-"
        memory = bytes
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Parses every line, handing blocks of them to `emit` until the file ends or `emit` says stop. Text that is not
    /// UTF-8 stops it with `ImportError.unreadable`.
    func read(_ emit: ([InboxLine]) -> Bool) throws {
        var lines: [InboxLine] = []
        lines.reserveCapacity(Self.block)
        var number = 0
        var failure: ImportError?
        // Returns false to stop.
        func line(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
            number += 1
            var end = p.count
            if end > 0, p[end - 1] == 0x0D { end -= 1 }
            let l = UnsafeBufferPointer(rebasing: p[0..<end])
            var blank = true, ascii = true
            for b in l {
                if b >= 0x80 { ascii = false } else if !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { blank = false }
            }
            if !ascii {
                guard String(validating: l, as: UTF8.self) != nil else {
                    failure = .unreadable(path: path, reason: "not UTF-8 text (line \(number)); save it as UTF-8")
                    return false
                }
                if blank, String(decoding: l, as: UTF8.self).allSatisfy(\.isWhitespace) { return true }
            } else if blank {
                return true
            }
            if let draft = InboxLineParser.draft(l) {
                lines.append(.draft(number, draft))
            } else {
                let (draft, why) = InboxDraft.fromJSON(Data(buffer: l))
                if let draft { lines.append(.draft(number, draft)) } else { lines.append(.unreadable(number, why ?? "unreadable")) }
            }
            if lines.count >= Self.block {
                let ok = emit(lines)
                lines.removeAll(keepingCapacity: true)
                return ok
            }
            return true
        }
        if let memory {
            var go = true
            memory.withUnsafeBufferPointer { all in
                var start = 0
                for i in 0..<all.count where all[i] == 0x0A {
                    go = line(UnsafeBufferPointer(rebasing: all[start..<i]))
                    start = i + 1
                    if !go { return }
                }
                go = line(UnsafeBufferPointer(rebasing: all[start..<all.count]))
            }
            if let failure { throw failure }
            if go, !lines.isEmpty { _ = emit(lines) }
            return
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        var go = true
        while go {
            if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }  // a very long line
            let n = buffer.withUnsafeMutableBytes { raw in posixRead(fd, raw.baseAddress! + filled, raw.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            let eof = n == 0
            filled += n
            var consumed = 0
            buffer.withUnsafeBufferPointer { all in
                var start = 0
                for i in 0..<filled where all[i] == 0x0A {
                    go = line(UnsafeBufferPointer(rebasing: all[start..<i]))
                    start = i + 1
                    if !go { break }
                }
                if go, eof { go = line(UnsafeBufferPointer(rebasing: all[start..<filled])); start = filled }
                consumed = start
            }
            if let failure { throw failure }
            if eof { break }
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { all in
                    let rest = filled - consumed
                    if rest > 0 { memmove(all.baseAddress!, all.baseAddress! + consumed, rest) }
                }
                filled -= consumed
            }
        }
        if go, !lines.isEmpty { _ = emit(lines) }
    }
}

func posixRead(_ fd: Int32, _ into: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, into, count)
    #else
    Darwin.read(fd, into, count)
    #endif
}

extension InboxItem {
    /// An item id as a number, for a set of ids: `m-` and ten hex digits read as one; any other id by its hash.
    static func idKey(_ id: String) -> UInt64 {
        var v: UInt64 = 0
        var n = 0
        for (i, b) in id.utf8.enumerated() {
            if i < 2 {
                guard b == (i == 0 ? UInt8(ascii: "m") : UInt8(ascii: "-")) else { return StableHash.value(id) | 1 << 63 }
                continue
            }
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            default: return StableHash.value(id) | 1 << 63
            }
            v = v << 4 | UInt64(d)
            n += 1
            if n > 15 { return StableHash.value(id) | 1 << 63 }
        }
        return v
    }
}

/// Reads the flat JSON object of an inbox line (strings, whole numbers, nulls, and the `author` object) straight from its
/// bytes, into the same fields `InboxDraft.fromJSON` makes. Anything else — other numbers, booleans, arrays, other nested
/// objects, a key given twice, malformed JSON — gives nil, and the line goes through `InboxDraft.fromJSON` (Foundation's
/// parser), which also words the error.
enum InboxLineParser {
    static func draft(_ p: UnsafeBufferPointer<UInt8>) -> InboxDraft? {
        var s = Scanner(p: p)
        var fields: [String: String] = [:]
        var followers: String?
        var followersSet = false
        var topFollowers = false
        var authorObject = false
        var keys: [String] = []
        s.space()
        guard s.eat(UInt8(ascii: "{")) else { return nil }
        s.space()
        if !s.eat(UInt8(ascii: "}")) {
            while true {
                s.space()
                guard let key = s.string(), !keys.contains(key) else { return nil }
                keys.append(key)
                s.space()
                guard s.eat(UInt8(ascii: ":")) else { return nil }
                s.space()
                guard let c = s.peek() else { return nil }
                if c == UInt8(ascii: "{") {
                    guard key == "author" else { return nil }
                    authorObject = true
                    s.i += 1
                    s.space()
                    var inner: [String] = []
                    if !s.eat(UInt8(ascii: "}")) {
                        while true {
                            s.space()
                            guard let k = s.string(), !inner.contains(k) else { return nil }
                            inner.append(k)
                            s.space()
                            guard s.eat(UInt8(ascii: ":")) else { return nil }
                            s.space()
                            guard let v = s.value() else { return nil }
                            if k == "followers" {
                                switch v {
                                case .null: followers = nil
                                case .text(let t), .number(let t): followers = t
                                }
                                followersSet = true
                            } else if case .text(let t) = v {
                                let name = "author_\(k)"
                                guard fields[name] == nil else { return nil }
                                fields[name] = t
                            }
                            s.space()
                            if s.eat(UInt8(ascii: ",")) { continue }
                            guard s.eat(UInt8(ascii: "}")) else { return nil }
                            break
                        }
                    }
                } else {
                    guard let v = s.value() else { return nil }
                    if key == "author_followers" { topFollowers = true }
                    switch v {
                    case .null: break
                    case .text(let t):
                        guard fields[key] == nil else { return nil }
                        fields[key] = t
                    case .number(let t):
                        if key == "author_followers" { followers = t; followersSet = true } else {
                            guard fields[key] == nil else { return nil }
                            fields[key] = t
                        }
                    }
                }
                s.space()
                if s.eat(UInt8(ascii: ",")) { continue }
                guard s.eat(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        s.space()
        guard s.i == p.count else { return nil }
        // Both the author's followers and a top-level author_followers: which wins depends on Foundation's key order.
        if topFollowers && authorObject && followersSet { return nil }
        if followers == nil { followers = fields.removeValue(forKey: "author_followers") }
        return InboxDraft(fields: fields, followers: followers)
    }

    enum Value { case text(String), number(String), null }

    struct Scanner {
        let p: UnsafeBufferPointer<UInt8>
        var i = 0

        func peek() -> UInt8? { i < p.count ? p[i] : nil }

        mutating func eat(_ b: UInt8) -> Bool {
            guard i < p.count, p[i] == b else { return false }
            i += 1
            return true
        }

        mutating func space() {
            while i < p.count, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
        }

        mutating func value() -> Value? {
            guard let c = peek() else { return nil }
            if c == UInt8(ascii: "\"") { return string().map { .text($0) } }
            if c == UInt8(ascii: "n") {
                guard i + 4 <= p.count, p[i + 1] == UInt8(ascii: "u"), p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l") else { return nil }
                i += 4
                return .null
            }
            // A whole number as Foundation prints it: no sign on zero, no leading zeros, at most 18 digits.
            let start = i
            if c == UInt8(ascii: "-") { i += 1 }
            let digits = i
            while i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") { i += 1 }
            let count = i - digits
            guard count >= 1, count <= 18 else { return nil }
            if p[digits] == UInt8(ascii: "0") && (count > 1 || digits > start) { return nil }
            if let n = peek(), n == UInt8(ascii: ".") || n == UInt8(ascii: "e") || n == UInt8(ascii: "E") { return nil }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self))
        }

        /// A JSON string at `i` (its opening quote), unescaped; nil when malformed.
        mutating func string() -> String? {
            guard eat(UInt8(ascii: "\"")) else { return nil }
            let start = i
            while i < p.count {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
                    i += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { return nil }
                i += 1
            }
            guard i < p.count else { return nil }
            var out = Array(UnsafeBufferPointer(rebasing: p[start..<i]))
            while i < p.count {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if b < 0x20 { return nil }
                if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
                guard i + 1 < p.count else { return nil }
                let e = p[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var u = hex4() else { return nil }
                    if u >= 0xD800 && u < 0xDC00 {
                        guard i + 1 < p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else { return nil }
                        i += 2
                        guard let low = hex4(), low >= 0xDC00 && low < 0xE000 else { return nil }
                        u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                    } else if u >= 0xDC00 && u < 0xE000 {
                        return nil
                    }
                    guard let scalar = Unicode.Scalar(u) else { return nil }
                    UTF8.encode(scalar) { out.append($0) }
                default: return nil
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard i + 4 <= p.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let b = p[i + k]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            i += 4
            return v
        }
    }
}
