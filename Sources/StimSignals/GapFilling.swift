/// Bridges short runs of invalid (NaN) samples by linear interpolation between their valid neighbours (holding
/// the nearest valid value at either end of the signal); longer runs stay NaN. A belt record's first samples are
/// often invalid, and a two-second dropout should not cost a minute of labelled breathing; a longer one should.
public func fillingShortGaps(_ samples: [Float], maxGap: Int) -> [Float] {
    var out = samples
    var i = 0
    while i < out.count {
        guard out[i].isNaN else {
            i += 1
            continue
        }
        var end = i
        while end < out.count && out[end].isNaN { end += 1 }
        let length = end - i
        let before = i > 0 ? out[i - 1] : nil
        let after = end < out.count ? out[end] : nil
        if length <= maxGap, before != nil || after != nil {
            for k in i..<end {
                switch (before, after) {
                case let (b?, a?): out[k] = b + (a - b) * Float(k - i + 1) / Float(length + 1)
                case let (b?, nil): out[k] = b
                case let (nil, a?): out[k] = a
                case (nil, nil): break
                }
            }
        }
        i = end
    }
    return out
}
