import Foundation

/// Where the tests find things outside their own module: the repository root and `../shared/data`.
public enum SharedData {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared/data` beside the repository (or `$STIM_SHARED_DATA`), or nil when absent.
    public static let directory: URL? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["STIM_SHARED_DATA"] { candidates.append(env) }
        candidates.append(repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path)
        return candidates.map { URL(fileURLWithPath: $0) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }()

    /// Message for a skipped test.
    public static let absentMessage =
        "../shared/data is absent (a clone outside the stim workplace): skipping the real-data check. Set STIM_SHARED_DATA to run it."

    /// A file or folder under the shared data, or nil when the shared data is absent.
    public static func path(_ relative: String) -> URL? {
        directory?.appendingPathComponent(relative)
    }
}
