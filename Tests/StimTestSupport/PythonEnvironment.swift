import Foundation

/// The Python that holds the reference implementations (numpy, scipy, protobuf, pyedflib) for cross-checks:
/// `<repo>/.venv`, made by `scripts/setup`. Tests made here run it through `run`.
public enum PythonEnvironment {
    public static var python: URL { SharedData.repositoryRoot.appendingPathComponent(".venv/bin/python") }

    /// Why the cross-checks cannot run, or nil when the environment is there.
    public static var unavailableReason: String? {
        FileManager.default.isExecutableFile(atPath: python.path)
            ? nil : "\(python.path) is missing: run scripts/setup (it creates the venv the cross-checks use)"
    }

    /// Runs a Python script file or `-c` code with arguments; returns stdout, throws with stderr on failure.
    public static func run(_ arguments: [String], input: Data? = nil) throws -> String {
        if let reason = unavailableReason { throw ProcessFailure(command: "python", status: -1, output: reason) }
        return try Subprocess.run(python.path, arguments, input: input)
    }
}

/// A child process that failed: its command line, status and what it printed.
public struct ProcessFailure: Error, CustomStringConvertible {
    public var command: String
    public var status: Int32
    public var output: String
    public var description: String { "\(command) exited with \(status):\n\(output)" }
}

/// Runs programs for tests: external references (protoc, python) and the stim binary itself.
public enum Subprocess {
    /// Runs `executable` (a path, or a name looked up in PATH) and returns its stdout; throws on non-zero exit.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           currentDirectory: URL? = nil) throws -> String {
        let result = try capture(executable, arguments, input: input, currentDirectory: currentDirectory)
        guard result.status == 0 else {
            throw ProcessFailure(command: ([executable] + arguments).joined(separator: " "), status: result.status,
                                 output: result.stderr + result.stdout)
        }
        return result.stdout
    }

    /// Runs a program and returns its exit status, stdout and stderr, whatever the status.
    public static func capture(_ executable: String, _ arguments: [String], input: Data? = nil,
                               currentDirectory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let input { inp.fileHandleForWriting.write(input) }
        try? inp.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
