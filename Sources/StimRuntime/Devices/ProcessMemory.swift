import Foundation

/// This process's resident memory, for fitting training to a device's budget and reporting what it used.
public enum ProcessMemory {
    /// Resident bytes now (Linux: /proc/self/statm), or the peak so far where /proc is absent.
    public static func residentBytes() -> Int {
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ")
            if fields.count > 1, let pages = Int(fields[1]) { return pages * Int(sysconf(Int32(_SC_PAGESIZE))) }
        }
        return peakResidentBytes()
    }

    /// The most bytes this process has held resident. Linux: /proc/self/status's VmHWM, the high-water mark of this
    /// program's own memory. Not getrusage's ru_maxrss there: a process started by posix_spawn (vfork) inherits its
    /// parent's peak in it, so a child of a large process (a test runner) would report the parent's size.
    public static func peakResidentBytes() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kilobytes = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") {
            return kilobytes * 1024
        }
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)  // bytes on macOS
        #endif
    }
}
