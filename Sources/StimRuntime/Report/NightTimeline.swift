import Foundation

/// The night report's two inline SVG charts, one column per minute from the night's first minute to its last:
/// apnea probability with each minute's label or quality flag, and the belt signal's trace.
struct NightTimeline {
    let minutes: [ScoredMinute]
    let first: Int
    let span: Int
    static let width = 1000.0
    static let left = 44.0

    init(_ minutes: [ScoredMinute]) {
        self.minutes = minutes.sorted { $0.minute < $1.minute }
        first = self.minutes.first?.minute ?? 0
        span = max((self.minutes.last?.minute ?? 0) - first + 1, 1)
    }

    private var columnWidth: Double { Self.width / Double(span) }
    private func x(_ minute: Int) -> Double { Self.left + Double(minute - first) * columnWidth }

    /// The colour class of a minute: its label when scored, its quality flag otherwise.
    static func category(_ minute: ScoredMinute) -> String {
        switch minute.apnea {
        case true?: return "apnea"
        case false?: return "normal"
        case nil: return minute.quality.rawValue
        }
    }

    /// Probability bars (height = probability) over a strip of labels and flags; every minute is one `rect` with
    /// a tooltip, unscored minutes drawn full height in their flag's colour.
    func probabilitySVG() -> String {
        let plotTop = 10.0, plotHeight = 160.0, stripTop = 180.0, stripHeight = 14.0
        var svg = svgOpen(height: 230, label: "Apnea probability per minute, with each minute's label or quality flag")
        for level in [0.0, 0.5, 1.0] {
            let y = plotTop + plotHeight * (1 - level)
            svg += #"<line class="grid" x1="\#(Self.left)" x2="\#(Self.left + Self.width)" y1="\#(y)" y2="\#(y)"/>"#
            svg += #"<text class="axis" x="\#(Self.left - 6)" y="\#(y + 4)" text-anchor="end">\#(level)</text>"#
        }
        for minute in minutes {
            let category = Self.category(minute)
            let tip = "<title>\(tooltip(minute))</title>"
            let x0 = format(x(minute.minute)), w = format(max(columnWidth, 0.5))
            if let probability = minute.apneaProbability {
                let h = plotHeight * Double(probability)
                svg += #"<rect class="bar \#(category)" x="\#(x0)" y="\#(format(plotTop + plotHeight - h))" width="\#(w)" height="\#(format(h))"/>"#
            } else {
                svg += #"<rect class="bar unscored \#(category)" x="\#(x0)" y="\#(plotTop)" width="\#(w)" height="\#(plotHeight)"/>"#
            }
            svg += #"<rect class="minute \#(category)" data-minute="\#(minute.minute)" x="\#(x0)" y="\#(stripTop)" width="\#(w)" height="\#(stripHeight)">\#(tip)</rect>"#
        }
        svg += #"<text class="axis" x="\#(Self.left - 6)" y="\#(stripTop + 11)" text-anchor="end">label</text>"#
        svg += timeAxis(y: 212)
        return svg + "</svg>"
    }

    /// The first channel's normalized samples, as each pixel column's minimum-to-maximum stroke (a night holds
    /// far more samples than pixels); minutes without samples leave a gap.
    func signalSVG() -> String {
        let top = 10.0, height = 120.0
        var svg = svgOpen(height: 170, label: "Belt signal (first channel, normalized), minimum to maximum per pixel")
        let samples = minutes.flatMap { minute in
            minute.signal.enumerated().map { (x(minute.minute) + columnWidth * Double($0.offset) / Double(minute.signal.count), $0.element) }
        }.filter { $0.1.isFinite }
        if let low = samples.map(\.1).min(), let high = samples.map(\.1).max() {
            let range = Double(max(high - low, .leastNormalMagnitude))
            func y(_ value: Float) -> Double { top + height * (1 - Double(value - low) / range) }
            var columns: [Int: (Float, Float)] = [:]
            for (position, value) in samples {
                let column = Int(position.rounded(.down))
                columns[column] = columns[column].map { (min($0.0, value), max($0.1, value)) } ?? (value, value)
            }
            let path = columns.sorted { $0.key < $1.key }.map { column, range in
                "M\(column) \(format(y(range.1)))V\(format(y(range.0) + 0.5))"
            }.joined()
            svg += #"<path class="signal" d="\#(path)"/>"#
            svg += #"<text class="axis" x="\#(Self.left - 6)" y="\#(top + 8)" text-anchor="end">\#(String(format: "%.1f", high))</text>"#
            svg += #"<text class="axis" x="\#(Self.left - 6)" y="\#(top + height)" text-anchor="end">\#(String(format: "%.1f", low))</text>"#
        } else {
            svg += #"<text class="axis" x="\#(Self.left + 10)" y="60">no signal samples were stored for this night</text>"#
        }
        svg += timeAxis(y: 152)
        return svg + "</svg>"
    }

    private func svgOpen(height: Int, label: String) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(Self.left + Self.width + 10)) \#(height)" role="img" aria-label="\#(label)">"#
    }

    /// Hour ticks: clock time (UTC) for live nights, hours since the recording's start otherwise.
    private func timeAxis(y: Double) -> String {
        var svg = ""
        let step = span > 12 * 60 ? 120 : span > 90 ? 60 : span > 20 ? 10 : 1
        let origin = minutes.first.map { $0.start - Double($0.minute) * 60 } ?? 0
        var tick = first + (step - first % step) % step
        while tick < first + span {
            let label = clock(origin + Double(tick) * 60)
            svg += #"<line class="tick" x1="\#(format(x(tick)))" x2="\#(format(x(tick)))" y1="\#(y - 10)" y2="\#(y - 4)"/>"#
            svg += #"<text class="axis" x="\#(format(x(tick)))" y="\#(y + 8)" text-anchor="middle">\#(label)</text>"#
            tick += step
        }
        return svg
    }

    /// A minute's time as the report shows it: UTC clock time when `seconds` is since the epoch (a live
    /// night), otherwise hours and minutes since the recording's start.
    func clock(_ seconds: Double) -> String {
        if seconds >= 946_684_800 {
            let whole = Int(seconds.rounded(.down))
            return String(format: "%02d:%02d", whole / 3600 % 24, whole / 60 % 60)
        }
        let whole = Int(max(seconds, 0))
        return String(format: "+%d:%02d", whole / 3600, whole / 60 % 60)
    }

    func tooltip(_ minute: ScoredMinute) -> String {
        let when = "minute \(minute.minute) (\(clock(minute.start)))"
        guard let probability = minute.apneaProbability else { return "\(when): not scored, \(minute.quality.rawValue)" }
        return "\(when): \(minute.apnea == true ? "apnea" : "normal"), p = \(String(format: "%.3f", probability))"
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
