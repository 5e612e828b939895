/// Dot products for the optimized integer layers, 16 lanes at a time: one activation row `a` against one
/// or four int8 weight rows, so each widened activation vector is reused four times.
enum IntegerDot {
    @inline(__always)
    static func int8Lanes(_ p: UnsafePointer<Int8>) -> SIMD16<Int16> {
        SIMD16<Int16>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int8>.self))
    }

    /// Σₖ (a[k] − aZero) · b[k], wrapping. |a − aZero| ≤ 255 and |b| ≤ 128 keep each product within
    /// ±32,640, so lanes multiply as int16 and widen only to add.
    @inline(__always)
    static func int8(_ a: UnsafePointer<Int8>, minus aZero: Int16, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
        let zero = SIMD16<Int16>(repeating: aZero)
        var lanes = SIMD16<Int32>()
        var k = 0
        while k + 16 <= count {
            lanes &+= SIMD16<Int32>(truncatingIfNeeded: (int8Lanes(a + k) &- zero) &* int8Lanes(b + k))
            k += 16
        }
        var sum = lanes.wrappedSum()
        while k < count {
            sum &+= (Int32(a[k]) - Int32(aZero)) &* Int32(b[k])
            k += 1
        }
        return sum
    }

    @inline(__always)
    static func int8x4(_ a: UnsafePointer<Int8>, minus aZero: Int16, _ b: UnsafePointer<Int8>, stride: Int,
                       count: Int) -> SIMD4<Int32> {
        let zero = SIMD16<Int16>(repeating: aZero)
        let b0 = b, b1 = b + stride, b2 = b1 + stride, b3 = b2 + stride
        var s0 = SIMD16<Int32>(), s1 = SIMD16<Int32>(), s2 = SIMD16<Int32>(), s3 = SIMD16<Int32>()
        var k = 0
        while k + 16 <= count {
            let av = int8Lanes(a + k) &- zero
            s0 &+= SIMD16<Int32>(truncatingIfNeeded: av &* int8Lanes(b0 + k))
            s1 &+= SIMD16<Int32>(truncatingIfNeeded: av &* int8Lanes(b1 + k))
            s2 &+= SIMD16<Int32>(truncatingIfNeeded: av &* int8Lanes(b2 + k))
            s3 &+= SIMD16<Int32>(truncatingIfNeeded: av &* int8Lanes(b3 + k))
            k += 16
        }
        var sums = SIMD4<Int32>(s0.wrappedSum(), s1.wrappedSum(), s2.wrappedSum(), s3.wrappedSum())
        while k < count {
            let av = Int32(a[k]) - Int32(aZero)
            sums &+= av &* SIMD4<Int32>(Int32(b0[k]), Int32(b1[k]), Int32(b2[k]), Int32(b3[k]))
            k += 1
        }
        return sums
    }

    @inline(__always)
    static func int16Lanes(_ p: UnsafePointer<Int16>) -> SIMD16<Int32> {
        SIMD16<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int16>.self))
    }

    @inline(__always)
    static func widened(_ p: UnsafePointer<Int8>) -> SIMD16<Int32> {
        SIMD16<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int8>.self))
    }

    /// Int32 lanes hold at most this many int16 · int8 products (each |p| ≤ 2²²) before they could
    /// overflow, so the int16 dot products add into int32 lanes for that long and then into int64.
    static let int16BlockLength = 16 * 511

    /// Σₖ a[k] · b[k], exact in int64.
    @inline(__always)
    static func int16(_ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int8>, count: Int) -> Int64 {
        var sum: Int64 = 0
        var k = 0
        while k + 16 <= count {
            var lanes = SIMD16<Int32>()
            let end = min(k + int16BlockLength, count & ~15)
            while k < end {
                lanes &+= int16Lanes(a + k) &* widened(b + k)
                k += 16
            }
            sum += wide(lanes)
        }
        while k < count {
            sum += Int64(a[k]) * Int64(b[k])
            k += 1
        }
        return sum
    }

    @inline(__always)
    static func int16x4(_ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int8>, stride: Int, count: Int) -> SIMD4<Int64> {
        let b0 = b, b1 = b + stride, b2 = b1 + stride, b3 = b2 + stride
        var sums = SIMD4<Int64>()
        var k = 0
        while k + 16 <= count {
            var s0 = SIMD16<Int32>(), s1 = SIMD16<Int32>(), s2 = SIMD16<Int32>(), s3 = SIMD16<Int32>()
            let end = min(k + int16BlockLength, count & ~15)
            while k < end {
                let av = int16Lanes(a + k)
                s0 &+= av &* widened(b0 + k)
                s1 &+= av &* widened(b1 + k)
                s2 &+= av &* widened(b2 + k)
                s3 &+= av &* widened(b3 + k)
                k += 16
            }
            sums &+= SIMD4<Int64>(wide(s0), wide(s1), wide(s2), wide(s3))
        }
        while k < count {
            let av = Int64(a[k])
            sums &+= av &* SIMD4<Int64>(Int64(b0[k]), Int64(b1[k]), Int64(b2[k]), Int64(b3[k]))
            k += 1
        }
        return sums
    }

    /// The lanes' sum without int32 overflow.
    @inline(__always)
    static func wide(_ lanes: SIMD16<Int32>) -> Int64 {
        SIMD16<Int64>(truncatingIfNeeded: lanes).wrappedSum()
    }
}
