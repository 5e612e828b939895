import Foundation
import Testing
import StimTestSupport
@testable import StimRuntime

@Suite struct NightStoreTests {
    /// A fresh folder for one test's database, removed when the test's value goes.
    final class Folder {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("nightstore-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    /// Minute `index`: scored apnea, scored normal, or unscored in turn, with a signal whose samples are exact
    /// in float32 (so an independent reader can recompute them).
    static func minute(_ index: Int, samples: Int = 60) -> ScoredMinute {
        let signal = (0..<samples).map { Float(index) + Float($0) / 64 }
        let start = 1_795_000_000.25 + Double(index) * 60
        switch index % 3 {
        case 0: return ScoredMinute(minute: index, start: start, quality: .good, apneaProbability: 0.9 - Float(index % 7) / 100,
                                    apnea: true, signal: signal)
        case 1: return ScoredMinute(minute: index, start: start, quality: .good, apneaProbability: 1 / 3, apnea: false,
                                    signal: signal)
        default:
            let flags = SignalQuality.allCases.filter { $0 != .good }
            return ScoredMinute(minute: index, start: start, quality: flags[index / 3 % flags.count], signal: signal)
        }
    }

    @Test func roundTripsEveryField() throws {
        let folder = try Folder()
        let store = try NightStore(path: folder.path("nights.db"))
        var stored = (0..<30).map { Self.minute($0) }
        // Values a text or decimal encoding would alter: negative zero, a subnormal, the extremes.
        stored.append(ScoredMinute(minute: 30, start: -0.5, quality: .good, apneaProbability: .leastNonzeroMagnitude,
                                   apnea: false, signal: [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity]))
        stored.append(ScoredMinute(minute: 31, start: 0, quality: .disconnected))
        for m in stored { try store.append(m, night: "2026-11-23") }
        let read = try store.minutes(night: "2026-11-23")
        #expect(read == stored)
        #expect(read[30].signal.map(\.bitPattern) == stored[30].signal.map(\.bitPattern))
        #expect(Set(read.map(\.quality)) == Set(SignalQuality.allCases))
        #expect(try store.lastMinute(night: "2026-11-23") == stored.last)
        #expect(try store.minutes(night: "another") == [])
        #expect(try store.lastMinute(night: "another") == nil)
    }

    @Test func repeatedMinuteIsIgnored() throws {
        let folder = try Folder()
        let store = try NightStore(path: folder.path("nights.db"))
        let first = Self.minute(4)
        try store.append(first, night: "n")
        var repeated = first
        repeated.apneaProbability = 0.01
        repeated.apnea = false
        try store.append(repeated, night: "n")
        try store.append(first, night: "n")
        #expect(try store.minutes(night: "n") == [first])
        // The same minute index in another night is another minute.
        try store.append(repeated, night: "m")
        #expect(try store.minutes(night: "m") == [repeated])
        #expect(try store.nights() == ["m", "n"])
    }

    @Test func reopeningResumesTheNight() throws {
        let folder = try Folder()
        let path = folder.path("nights.db")
        do {
            let store = try NightStore(path: path)
            for index in 0..<40 { try store.append(Self.minute(index), night: "2026-11-23") }
            try store.append(Self.minute(0), night: "2026-11-22")
        }
        let store = try NightStore(path: path)
        let last = try #require(try store.lastMinute(night: "2026-11-23"))
        #expect(last == Self.minute(39))
        // A restarted daemon replays from a little before its last minute: nothing is duplicated or lost.
        for index in (last.minute - 5)..<60 { try store.append(Self.minute(index), night: "2026-11-23") }
        #expect(try store.minutes(night: "2026-11-23") == (0..<60).map { Self.minute($0) })
        #expect(try store.nights() == ["2026-11-22", "2026-11-23"])
    }

    @Test func refusesMinutesItCannotStore() throws {
        let folder = try Folder()
        let store = try NightStore(path: folder.path("nights.db"))
        let good = Self.minute(0)
        var nan = good
        nan.apneaProbability = .nan
        var negative = good
        negative.minute = -1
        var unlabelled = good
        unlabelled.apnea = nil
        var badStart = good
        badStart.start = .infinity
        for (minute, night) in [(good, ""), (nan, "n"), (negative, "n"), (unlabelled, "n"), (badStart, "n")] {
            #expect(throws: NightStoreError.self) { try store.append(minute, night: night) }
            do { try store.append(minute, night: night) } catch let error as NightStoreError {
                #expect(error.kind == .invalidMinute)
            }
        }
        #expect(try store.nights() == [])
    }

    @Test func notADatabaseIsAClearError() throws {
        let folder = try Folder()
        let path = folder.path("notes.db")
        try Data(String(repeating: "not a database, just notes\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: NightStoreError.self) { try NightStore(path: path) }
        #expect(error.kind == .corrupt)
        #expect(error.description.contains(path) && error.description.contains("not a database"))
        let missingFolder = try #require(throws: NightStoreError.self) {
            try NightStore(path: folder.path("no/such/folder/nights.db"))
        }
        #expect(missingFolder.kind == .cannotOpen)
    }

    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func newerSchemaIsRefused() throws {
        let folder = try Folder()
        let path = folder.path("nights.db")
        _ = try NightStore(path: path)
        _ = try PythonEnvironment.run(["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert db.execute("PRAGMA user_version").fetchone()[0] == 1
            db.execute("PRAGMA user_version = 7"); db.commit()
            """, path])
        let error = try #require(throws: NightStoreError.self) { try NightStore(path: path) }
        #expect(error.kind == .newerSchema && error.message.contains("version 7"))
    }

    /// A second process (Python's own SQLite binding) reads while this one appends: it never waits for a lock,
    /// sees every minute whole, the count only grows, and it decodes the signal blobs independently.
    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func anotherProcessReadsWhileMinutesAreAppended() throws {
        let folder = try Folder()
        let path = folder.path("nights.db")
        let store = try NightStore(path: path)
        let total = 400
        let reader = Process()
        reader.executableURL = PythonEnvironment.python
        reader.arguments = ["-c", """
            import json, sqlite3, struct, sys, time
            path, total = sys.argv[1], int(sys.argv[2])
            db = sqlite3.connect(path, timeout=0)   # timeout 0: a lock would fail at once
            seen, deadline = [], time.time() + 60
            while time.time() < deadline:
                rows = db.execute("SELECT minute, signal FROM minutes WHERE night = 'n' ORDER BY minute").fetchall()
                assert [m for m, _ in rows] == list(range(len(rows))), "a gap in the minutes"
                for m, blob in rows:
                    assert struct.unpack("<60f", blob) == tuple(m + j / 64 for j in range(60)), f"minute {m}'s signal"
                seen.append(len(rows))
                if len(rows) == total: break
            print(json.dumps({"counts": seen}))
            """, path, "\(total)"]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        for index in 0..<total { try store.append(Self.minute(index), night: "n") }
        let printed = out.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0)
        struct Seen: Decodable { var counts: [Int] }
        let counts = try JSONDecoder().decode(Seen.self, from: printed).counts
        #expect(counts.last == total)
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 })
        // It read while the appends ran, not only after them.
        #expect(counts.contains { 0 < $0 && $0 < total })
        #expect(try store.minutes(night: "n").count == total)
    }

    /// A writer killed with SIGKILL mid-night loses no minute whose append returned: the child (this test binary,
    /// running `appendUntilKilled`) prints each minute after `append` returns; every printed minute is stored.
    @Test func killedWriterLosesNoReturnedMinute() throws {
        let folder = try Folder()
        let path = folder.path("nights.db")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--testing-library", "swift-testing", "--filter", "appendUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: path]) { $1 }
        let out = Pipe()
        child.standardOutput = out
        child.standardError = FileHandle.nullDevice
        try child.run()
        var printed = ""
        while !printed.contains("appended 200\n") {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        let returned = printed.split(separator: "\n").compactMap { $0.hasPrefix("appended ") ? Int($0.dropFirst(9)) : nil }
        #expect(returned.count >= 200, "the child printed: \(printed.suffix(500))")
        let stored = try NightStore(path: path).minutes(night: "n")
        #expect(Array(stored.prefix(returned.count)) == returned.map { Self.minute($0) })
    }

    static let childVariable = "STIM_NIGHTSTORE_KILL_CHILD"

    /// The child of `killedWriterLosesNoReturnedMinute`: appends minutes until killed. Skipped in a normal run.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil,
                   "runs only as the child process of killedWriterLosesNoReturnedMinute"))
    func appendUntilKilled() throws {
        let store = try NightStore(path: try #require(ProcessInfo.processInfo.environment[Self.childVariable]))
        for index in 0..<100_000 {  // bounded, should the parent fail to kill it
            try store.append(Self.minute(index), night: "n")
            FileHandle.standardOutput.write(Data("appended \(index)\n".utf8))
        }
    }

    /// Another process holding the write lock past the busy timeout (5 s): a clear "locked" error, not a hang.
    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func aHeldWriteLockIsAClearError() throws {
        let folder = try Folder()
        let path = folder.path("nights.db")
        let store = try NightStore(path: path)
        try store.append(Self.minute(0), night: "n")
        let holder = Process()
        holder.executableURL = PythonEnvironment.python
        holder.arguments = ["-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN IMMEDIATE"); print("held", flush=True); time.sleep(8); db.execute("ROLLBACK")
            """, path]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.waitUntilExit() }
        _ = out.fileHandleForReading.availableData  // "held": the lock is taken
        let error = try #require(throws: NightStoreError.self) { try store.append(Self.minute(1), night: "n") }
        #expect(error.kind == .locked && error.description.contains("another process holds the database"))
        #expect(try store.minutes(night: "n") == [Self.minute(0)])
    }

    /// On a full disk (a 256 KiB tmpfs), append fails with SQLITE_FULL named; every minute committed before stays,
    /// and after space is freed the night goes on.
    @Test(.enabled(if: TinyDisk.unavailableReason == nil, "\(TinyDisk.unavailableReason ?? "")"))
    func fullDiskIsAClearErrorAndKeepsCommittedMinutes() throws {
        let disk = try TinyDisk(kilobytes: 256)
        let path = disk.url.appendingPathComponent("nights.db").path
        var committed = 0
        let failure: NightStoreError
        do {
            let store = try NightStore(path: path)
            while true {
                do {
                    try store.append(Self.minute(committed, samples: 600), night: "n")
                    committed += 1
                } catch let error as NightStoreError {
                    failure = error
                    break
                }
                #expect(committed < 10_000, "a 256 KiB disk never filled")
            }
            #expect(try store.minutes(night: "n") == (0..<committed).map { Self.minute($0, samples: 600) })
        }
        #expect(failure.kind == .diskFull)
        #expect(failure.description.contains("SQLITE_FULL") && failure.description.contains("minute \(committed)"))
        #expect(committed > 10)
        try disk.resize(kilobytes: 2048)
        let store = try NightStore(path: path)
        #expect(try store.lastMinute(night: "n") == Self.minute(committed - 1, samples: 600))
        try store.append(Self.minute(committed, samples: 600), night: "n")
        #expect(try store.minutes(night: "n") == (0...committed).map { Self.minute($0, samples: 600) })
    }
}

/// A small tmpfs mounted for one test (needs root and the right to mount, as in CI's container).
final class TinyDisk {
    let url: URL

    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "a full-disk test mounts a small tmpfs, which needs root" }
        do { _ = try TinyDisk(kilobytes: 64) } catch { return "cannot mount a tmpfs here (\(error)): skipping the full-disk test" }
        return nil
    }()

    init(kilobytes: Int) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tinydisk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        _ = try Subprocess.run("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", url.path])
    }

    func resize(kilobytes: Int) throws {
        _ = try Subprocess.run("mount", ["-o", "remount,size=\(kilobytes)k", url.path])
    }

    deinit {
        _ = try? Subprocess.run("umount", [url.path])
        try? FileManager.default.removeItem(at: url)
    }
}
