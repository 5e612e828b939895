import CStimProto

extension InputSpec {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__InputSpec> {
        let m: UnsafeMutablePointer<Stim__V1__InputSpec> = arena.message(stim__v1__input_spec__init)
        m.pointee.channels = UInt32(clamping: channels.count)
        m.pointee.samples_per_window = UInt32(clamping: samplesPerWindow)
        m.pointee.n_channel = channels.count
        m.pointee.channel = arena.messages(channels.map { channel in
            let c: UnsafeMutablePointer<Stim__V1__Channel> = arena.message(stim__v1__channel__init)
            c.pointee.name = arena.string(channel.name)
            c.pointee.unit = arena.string(channel.unit)
            c.pointee.sampling_rate_hz = channel.samplingRate
            return c
        })
        let n: UnsafeMutablePointer<Stim__V1__Normalization> = arena.message(stim__v1__normalization__init)
        n.pointee.method = Stim__V1__Normalization__Method(rawValue: UInt32(bitPattern: normalization.method.rawValue))
        n.pointee.history_minutes = UInt32(clamping: normalization.historyMinutes)
        n.pointee.epsilon = normalization.epsilon
        n.pointee.n_offset = normalization.offset.count
        n.pointee.offset = arena.array(normalization.offset)
        n.pointee.n_scale = normalization.scale.count
        n.pointee.scale = arena.array(normalization.scale)
        n.pointee.clip = normalization.clip
        m.pointee.normalization = n
        m.pointee.window_seconds = windowSeconds
        return m
    }

    /// The input spec of a decoded message; `declaredChannels` is the message's `channels` field, checked by callers.
    init(_ m: UnsafePointer<Stim__V1__InputSpec>, _ context: DecodeContext) throws(FormatError) {
        let channels = try swiftMessages(m.pointee.channel, m.pointee.n_channel) { c throws(FormatError) in
            Channel(name: swiftString(c.pointee.name), unit: swiftString(c.pointee.unit),
                    samplingRate: c.pointee.sampling_rate_hz)
        }
        guard Int(m.pointee.channels) == channels.count else {
            throw context.error(.invalid, "input.channels is \(m.pointee.channels) but \(channels.count) channel entries follow")
        }
        var normalization = Normalization()
        if let n = m.pointee.normalization {
            normalization = Normalization(
                method: try knownEnum(n.pointee.method.rawValue, Normalization.Method.self,
                                      field: "normalization.method", at: context),
                historyMinutes: Int(n.pointee.history_minutes), epsilon: n.pointee.epsilon,
                offset: swiftArray(n.pointee.offset, n.pointee.n_offset),
                scale: swiftArray(n.pointee.scale, n.pointee.n_scale), clip: n.pointee.clip)
        }
        self.init(channels: channels, samplesPerWindow: Int(m.pointee.samples_per_window), normalization: normalization,
                  windowSeconds: m.pointee.window_seconds)
    }
}

extension SampleEncoding {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__SampleEncoding> {
        let m: UnsafeMutablePointer<Stim__V1__SampleEncoding> = arena.message(stim__v1__sample_encoding__init)
        m.pointee.type = Stim__V1__SampleEncoding__Type(rawValue: UInt32(bitPattern: kind.rawValue))
        m.pointee.n_scale = scale.count
        m.pointee.scale = arena.array(scale)
        m.pointee.n_zero_point = zeroPoint.count
        m.pointee.zero_point = arena.array(zeroPoint)
        return m
    }

    init(_ m: UnsafePointer<Stim__V1__SampleEncoding>?, _ context: DecodeContext) throws(FormatError) {
        guard let m else {
            self.init()
            return
        }
        self.init(kind: try knownEnum(m.pointee.type.rawValue, Kind.self, field: "sample_encoding.type", at: context),
                  scale: swiftArray(m.pointee.scale, m.pointee.n_scale),
                  zeroPoint: swiftArray(m.pointee.zero_point, m.pointee.n_zero_point))
    }
}
