import Foundation
import StimFormats
import StimTestSupport
import Testing

/// SHA-256 against FIPS 180-4's examples and Python's hashlib on messages around the 64-byte block edges.
@Suite struct SHA256Tests {
    @Test func standardVectors() {
        #expect(SHA256.hex(SHA256.digest(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.digest([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func matchesHashlib() throws {
        let lengths = [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]
        let script = """
            import hashlib
            for n in \(lengths):
                print(hashlib.sha256(bytes((i * 7 + n) % 256 for i in range(n))).hexdigest())
            """
        let expected = try PythonEnvironment.run(["-c", script]).split(separator: "\n").map(String.init)
        let ours = lengths.map { n in SHA256.hex(SHA256.digest((0..<n).map { UInt8(($0 * 7 + n) % 256) })) }
        #expect(ours == expected)
    }
}
