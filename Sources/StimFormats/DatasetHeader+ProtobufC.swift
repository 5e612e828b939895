import CStimProto

extension DatasetHeader {
    /// The header frame's payload.
    func encoded() -> [UInt8] {
        let arena = CArena()
        let m: UnsafeMutablePointer<Stim__V1__DatasetHeader> = arena.message(stim__v1__dataset_header__init)
        m.pointee.task = arena.string(task)
        m.pointee.n_class_names = classNames.count
        m.pointee.class_names = arena.strings(classNames)
        m.pointee.input = input.cMessage(arena)
        m.pointee.sample_encoding = sampleEncoding.cMessage(arena)
        let l: UnsafeMutablePointer<Stim__V1__LabelEncoding> = arena.message(stim__v1__label_encoding__init)
        l.pointee.type = Stim__V1__LabelEncoding__Type(rawValue: UInt32(bitPattern: labelEncoding.rawValue))
        m.pointee.label_encoding = l
        m.pointee.max_chunk_stimuli = UInt32(clamping: maxChunkStimuli)
        m.pointee.provenance = provenance.cMessage(arena)
        m.pointee.summary = summary.cMessage(arena)
        return packed(m, size: stim__v1__dataset_header__get_packed_size, pack: stim__v1__dataset_header__pack)
    }

    init(decoding payload: [UInt8], _ context: DecodeContext) throws(FormatError) {
        self = try unpacked(payload, unpack: { stim__v1__dataset_header__unpack(nil, $0, $1) },
                            free: { stim__v1__dataset_header__free_unpacked($0, nil) },
                            failure: { context.error(.undecodable, "payload is not a DatasetHeader message") }) {
            m throws(FormatError) in
            guard let input = m.pointee.input else { throw context.error(.invalid, "the input spec is missing") }
            var labelEncoding = LabelEncoding.float32
            if let l = m.pointee.label_encoding {
                labelEncoding = try knownEnum(l.pointee.type.rawValue, LabelEncoding.self, field: "label_encoding.type",
                                              at: context)
            }
            return DatasetHeader(
                task: swiftString(m.pointee.task),
                classNames: swiftStrings(m.pointee.class_names, m.pointee.n_class_names),
                input: try InputSpec(input, context),
                sampleEncoding: try SampleEncoding(m.pointee.sample_encoding, context),
                labelEncoding: labelEncoding, maxChunkStimuli: Int(m.pointee.max_chunk_stimuli),
                provenance: try Provenance(m.pointee.provenance, context),
                summary: ReportSummary(m.pointee.summary))
        }
    }
}

extension Provenance {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__Provenance> {
        let m: UnsafeMutablePointer<Stim__V1__Provenance> = arena.message(stim__v1__provenance__init)
        m.pointee.producer = arena.string(producer)
        m.pointee.teacher_digest = arena.bytes(teacherDigest)
        m.pointee.created_utc = arena.string(createdUTC)
        if let generator {
            let g: UnsafeMutablePointer<Stim__V1__GeneratorSettings> = arena.message(stim__v1__generator_settings__init)
            g.pointee.noise_dim = UInt32(clamping: generator.noiseDimension)
            g.pointee.threshold_min = generator.thresholdMin
            g.pointee.threshold_max = generator.thresholdMax
            g.pointee.max_steps = UInt32(clamping: generator.maxSteps)
            g.pointee.learning_rate = generator.learningRate
            g.pointee.seed = generator.seed
            g.pointee.architecture = arena.string(generator.architecture)
            m.pointee.generator = g
        }
        if let anonymization {
            let a: UnsafeMutablePointer<Stim__V1__AnonymizationSettings> =
                arena.message(stim__v1__anonymization_settings__init)
            a.pointee.target = Stim__V1__AnonymizationSettings__Target(
                rawValue: UInt32(bitPattern: anonymization.target.rawValue))
            a.pointee.weight = anonymization.weight
            a.pointee.kl_bound = anonymization.klBound
            a.pointee.identities = UInt32(clamping: anonymization.identities)
            m.pointee.anonymization = a
        }
        return m
    }

    init(_ m: UnsafePointer<Stim__V1__Provenance>?, _ context: DecodeContext) throws(FormatError) {
        guard let m else {
            self.init()
            return
        }
        var generator: GeneratorSettings?
        if let g = m.pointee.generator {
            generator = GeneratorSettings(
                noiseDimension: Int(g.pointee.noise_dim), thresholdMin: g.pointee.threshold_min,
                thresholdMax: g.pointee.threshold_max, maxSteps: Int(g.pointee.max_steps),
                learningRate: g.pointee.learning_rate, seed: g.pointee.seed,
                architecture: swiftString(g.pointee.architecture))
        }
        var anonymization: AnonymizationSettings?
        if let a = m.pointee.anonymization {
            anonymization = AnonymizationSettings(
                target: try knownEnum(a.pointee.target.rawValue, AnonymizationSettings.Target.self,
                                      field: "anonymization.target", at: context),
                weight: a.pointee.weight, klBound: a.pointee.kl_bound, identities: Int(a.pointee.identities))
        }
        self.init(producer: swiftString(m.pointee.producer), teacherDigest: swiftBytes(m.pointee.teacher_digest),
                  generator: generator, anonymization: anonymization, createdUTC: swiftString(m.pointee.created_utc))
    }
}

extension ReportSummary {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__ReportSummary> {
        let m: UnsafeMutablePointer<Stim__V1__ReportSummary> = arena.message(stim__v1__report_summary__init)
        m.pointee.teacher_accuracy = teacherAccuracy
        m.pointee.student_accuracy = studentAccuracy
        m.pointee.student_real_accuracy = studentRealAccuracy
        m.pointee.reidentification_top1 = reidentificationTop1
        m.pointee.reidentification_chance = reidentificationChance
        m.pointee.closest_record_ratio = closestRecordRatio
        m.pointee.membership_auc = membershipAUC
        m.pointee.evaluation = arena.string(evaluation)
        m.pointee.n_metric = metrics.count
        m.pointee.metric = arena.messages(metrics.map { metric in
            let x: UnsafeMutablePointer<Stim__V1__Metric> = arena.message(stim__v1__metric__init)
            x.pointee.name = arena.string(metric.name)
            x.pointee.value = metric.value
            x.pointee.detail = arena.string(metric.detail)
            return x
        })
        return m
    }

    init(_ m: UnsafePointer<Stim__V1__ReportSummary>?) {
        self.init()
        guard let m else { return }
        teacherAccuracy = m.pointee.teacher_accuracy
        studentAccuracy = m.pointee.student_accuracy
        studentRealAccuracy = m.pointee.student_real_accuracy
        reidentificationTop1 = m.pointee.reidentification_top1
        reidentificationChance = m.pointee.reidentification_chance
        closestRecordRatio = m.pointee.closest_record_ratio
        membershipAUC = m.pointee.membership_auc
        evaluation = swiftString(m.pointee.evaluation)
        metrics = swiftArray(m.pointee.metric, m.pointee.n_metric).compactMap { x in
            x.map { Metric(name: swiftString($0.pointee.name), value: $0.pointee.value, detail: swiftString($0.pointee.detail)) }
        }
    }
}
