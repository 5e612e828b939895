import Foundation

/// Where `--device NAME` looks for NAME.json: $STIM_DEVICE_PROFILES, the installed /usr/local/share/stim/profiles
/// and /usr/share/stim/profiles, then devices/profiles in the current folder or above the stim binary (a
/// checkout's .build/release/stim finds the repository's profiles).
enum DeviceProfileFolders {
    static var all: [URL] {
        var folders: [URL] = []
        if let variable = ProcessInfo.processInfo.environment["STIM_DEVICE_PROFILES"] {
            folders.append(URL(fileURLWithPath: variable))
        }
        folders += ["/usr/local/share/stim/profiles", "/usr/share/stim/profiles"].map { URL(fileURLWithPath: $0) }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), binary.deletingLastPathComponent()] {
            var folder = start
            while folder.path != "/" {
                let candidate = folder.appendingPathComponent("devices/profiles")
                if FileManager.default.fileExists(atPath: candidate.path) {
                    folders.append(candidate)
                    break
                }
                folder.deleteLastPathComponent()
            }
        }
        return folders.filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
