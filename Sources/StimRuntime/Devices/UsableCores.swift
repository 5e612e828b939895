import Foundation

/// The cores this process may run on: its CPU affinity on Linux (the `Cpus_allowed` mask of /proc/self/status,
/// so `taskset -c 0` counts as one core, as ProcessInfo's count does not), the active processors elsewhere.
public enum UsableCores {
    public static func count() -> Int {
        let active = ProcessInfo.processInfo.activeProcessorCount
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return active }
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
        let allowed = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
        return allowed > 0 ? min(allowed, active) : active
    }
}
