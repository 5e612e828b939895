import StimLearn
import Testing
@testable import StimExporter

/// The membership slice: whole blocks of 10 consecutive windows per record, about the asked share, spread over
/// the night, the same every time, and never a window that is also trained on.
@Suite struct MembershipSliceTests {
    /// Records of the given lengths; each window's first value is its index, so windows are told apart by value.
    static func records(_ lengths: [Int]) throws -> LabelledWindows {
        var inputs: [Float] = [], labels: [Int] = [], persons: [Int] = []
        for (person, length) in lengths.enumerated() {
            for _ in 0..<length {
                inputs += [Float(labels.count), Float(person)]
                labels.append(labels.count % 3 == 0 ? 1 : 0)
                persons.append(person)
            }
        }
        return try LabelledWindows(exampleShape: [1, 2], classNames: ["normal", "apnea"], inputs: inputs, labels: labels,
                                   persons: persons, personNames: lengths.indices.map { "r\($0)" })
    }

    /// The original index of each window (its first value).
    static func indices(_ windows: LabelledWindows) -> [Int] {
        stride(from: 0, to: windows.inputs.count, by: 2).map { Int(windows.inputs[$0]) }
    }

    @Test func slicesWholeBlocksAtTheAskedShare() throws {
        // Belt-like nights of 420–520 windows, with records of 4 and 3 blocks and a tiny one.
        let lengths = [489, 420, 517, 455, 40, 39, 12]
        let windows = try Self.records(lengths)
        let (trained, unseen) = try MembershipSlice(fraction: 0.15).cut(windows)
        let held = Self.indices(unseen), kept = Self.indices(trained)
        #expect(Set(held).isDisjoint(with: kept) && Set(held + kept) == Set(0..<windows.count))
        #expect(held == held.sorted() && kept == kept.sorted())
        #expect(unseen.personNames == windows.personNames && trained.personNames == windows.personNames)

        var start = 0
        for (person, length) in lengths.enumerated() {
            let own = held.filter { windows.persons[$0] == person }.map { $0 - start }
            // round(⌊length / 10⌋ × 0.15) whole blocks: 48 blocks → 7, 42 → 6, 51 → 8, 45 → 7, 4 → 1, 3 → 0, 1 → 0.
            #expect(own.count == 10 * [7, 6, 8, 7, 1, 0, 0][person], "record \(person)")
            #expect(own.allSatisfy { $0 < (length / 10) * 10 })
            let blocks = Set(own.map { $0 / 10 })
            #expect(own.count == 10 * blocks.count && blocks.allSatisfy { b in (0..<10).allSatisfy { own.contains(b * 10 + $0) } })
            // Spread over the night: consecutive held blocks are 6 or 7 blocks apart at 15%.
            let sorted = blocks.sorted()
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { [6, 7].contains($1 - $0) }, "record \(person): \(sorted)")
            start += length
        }
        let share = Double(unseen.count) / Double(windows.count)
        #expect(abs(share - 0.15) < 0.02, "share \(share)")
        // The same windows every time.
        #expect(Self.indices(try MembershipSlice(fraction: 0.15).cut(windows).unseen) == held)
        #expect(unseen.labels == held.map { windows.labels[$0] })
    }

    @Test func halfTheBlocksAtMostAndNothingFromTinyRecords() throws {
        let windows = try Self.records([20, 19, 31])
        let (trained, unseen) = try MembershipSlice(fraction: 0.5).cut(windows)
        // 2 blocks → 1, 1 block → none, 3 blocks → 2: every record keeps windows to train on.
        #expect(unseen.persons.filter { $0 == 0 }.count == 10 && unseen.persons.filter { $0 == 1 }.isEmpty)
        #expect(unseen.persons.filter { $0 == 2 }.count == 20)
        #expect(Set(trained.persons) == [0, 1, 2])
        let tiny = try Self.records([19, 9])
        #expect(try MembershipSlice(fraction: 0.15).cut(tiny).unseen.count == 0)
        #expect(try MembershipSlice(fraction: 0.15).cut(tiny.subset([])).unseen.count == 0)
    }

    @Test func badFractionsThrow() throws {
        for fraction in [0, -0.1, 0.51, 1, .nan, .infinity] {
            #expect(throws: ExportError.self) { try MembershipSlice(fraction: fraction) }
        }
        var settings = ExportSettings()
        settings.membershipSliceFraction = 0.7
        #expect(throws: ExportError.self) { try settings.validate() }
        settings.membershipSliceFraction = 0
        #expect(try settings.membershipSlice() == nil)
    }
}
