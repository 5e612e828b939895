import Foundation

/// Inline SVG charts for the HTML report: plain elements, no scripts, fonts or external references.
enum SvgChart {
    /// Traces of one window's channels, each a polyline, on a shared vertical scale of ±`range`.
    static func traces(_ channels: [[Float]], colors: [String], width: Int = 180, height: Int = 70, range: Float) -> String {
        var body = "<line x1=\"0\" y1=\"\(height / 2)\" x2=\"\(width)\" y2=\"\(height / 2)\" stroke=\"#ddd\"/>"
        for (channel, color) in zip(channels, colors) where channel.count > 1 {
            let points = channel.enumerated().map { t, v -> String in
                let x = Double(t) / Double(channel.count - 1) * Double(width)
                let y = Double(height) / 2 * (1 - Double(max(-range, min(range, v)) / range))
                return format("%.1f,%.1f", x, y)
            }.joined(separator: " ")
            body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\" points=\"\(points)\"/>"
        }
        return svg(width: width, height: height, body)
    }

    /// Horizontal bars of values in 0...1, one per label, with the value written beside each.
    static func bars(_ items: [(label: String, value: Double)], width: Int = 700, barHeight: Int = 16) -> String {
        let labelWidth = 320, gap = 4  // wide enough for "svm-linear · stimuli (anonymized, class-conditional)"
        let height = items.count * (barHeight + gap) + gap
        var body = ""
        for (i, item) in items.enumerated() {
            let y = gap + i * (barHeight + gap)
            let value = item.value.isFinite ? max(0, min(1, item.value)) : 0
            let length = Double(width - labelWidth - 50) * value
            body += "<text x=\"0\" y=\"\(y + barHeight - 4)\" font-size=\"11\">\(Html.escape(item.label))</text>"
            body += format("<rect x=\"%ld\" y=\"%ld\" width=\"%.1f\" height=\"%ld\" fill=\"#4a7ab5\"/>", labelWidth, y, length, barHeight)
            body += format("<text x=\"%.1f\" y=\"%ld\" font-size=\"11\">%.3f</text>", Double(labelWidth) + length + 4,
                           y + barHeight - 4, item.value)
        }
        return svg(width: width, height: height, body)
    }

    /// Columns of accepted (bottom) and rejected (top) attempts per bin, with the bins' range below.
    static func acceptanceHistogram(_ bins: [AcceptanceSummary.Bin], width: Int = 520, height: Int = 196) -> String {
        guard let first = bins.first, let last = bins.last else { return "" }
        // 16 px above the columns for the scale, 30 below for the range.
        let (top, plotHeight) = (16, height - 46)
        let tallest = max(1, bins.map { $0.accepted + $0.rejected }.max() ?? 1)
        let column = Double(width) / Double(bins.count)
        var body = "<text x=\"0\" y=\"11\" font-size=\"11\">tallest column: \(tallest) attempts</text>"
        for (i, bin) in bins.enumerated() {
            let x = Double(i) * column
            let acceptedHeight = Double(plotHeight) * Double(bin.accepted) / Double(tallest)
            let rejectedHeight = Double(plotHeight) * Double(bin.rejected) / Double(tallest)
            let base = Double(top + plotHeight)
            body += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3c8c4c\"/>", x + 1,
                           base - acceptedHeight, column - 2, acceptedHeight)
            body += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c0504d\"/>", x + 1,
                           base - acceptedHeight - rejectedHeight, column - 2, rejectedHeight)
        }
        body += "<line x1=\"0\" y1=\"\(top + plotHeight)\" x2=\"\(width)\" y2=\"\(top + plotHeight)\" stroke=\"#333\"/>"
        body += format("<text x=\"0\" y=\"%ld\" font-size=\"11\">%.3f</text>", height - 10, first.lower)
        body += format("<text x=\"%ld\" y=\"%ld\" font-size=\"11\" text-anchor=\"end\">%.3f</text>", width, height - 10, last.upper)
        body += "<text x=\"\(width / 2)\" y=\"\(height - 10)\" font-size=\"11\" text-anchor=\"middle\">score reached</text>"
        return svg(width: width, height: height, body)
    }

    private static func svg(width: Int, height: Int, _ body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
            + body + "</svg>"
    }

    private static func format(_ pattern: String, _ arguments: CVarArg...) -> String {
        String(format: pattern, locale: Locale(identifier: "en_US_POSIX"), arguments: arguments)
    }
}

/// Text made safe for HTML element content and attribute values.
enum Html {
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
