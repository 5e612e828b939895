/// Runs `body` on a 16-byte aligned copy of `bytes`, as firmware holds a model buffer (read in place, 4-byte aligned).
public func withAlignedCopy<R>(_ bytes: [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
    defer { copy.deallocate() }
    copy.copyBytes(from: bytes)
    return try body(UnsafeMutableRawBufferPointer(rebasing: copy[0..<bytes.count]))
}
