import StimFormats

extension ExportReport {
    /// The dataset header's summary, for the shipped set (the first): the best student trained on it, the same
    /// kind trained on real windows, and that student's membership AUC; the rest of the figures as metrics.
    public var summary: ReportSummary {
        var summary = ReportSummary()
        summary.teacherAccuracy = utility.teacher.accuracy
        summary.evaluation = evaluation
        summary.reidentificationChance = privacy.reidentification.chance
        guard let shipped = stimulusSets.first?.name else { return summary }
        let onStimuli = utility.students.filter { $0.trainedOn == shipped }
        if let best = onStimuli.max(by: { $0.scores.accuracy < $1.scores.accuracy }) {
            summary.studentAccuracy = best.scores.accuracy
            summary.membershipAUC = best.membership.auc
            summary.studentRealAccuracy = utility.students.first { $0.kind == best.kind && $0.trainedOn == "real windows" }?
                .scores.accuracy ?? 0
            summary.metrics.append(Metric(name: "student_kappa", value: best.scores.kappa, detail: "\(best.kind) on \(shipped)"))
        }
        summary.metrics.append(Metric(name: "teacher_kappa", value: utility.teacher.kappa))
        let reidentification = privacy.reidentification
        if let shippedAttack = reidentification.stimulusSets.first(where: { $0.set == shipped }) {
            summary.reidentificationTop1 = shippedAttack.result.top1
            summary.metrics.append(Metric(name: "reidentification_class_only_top1", value: shippedAttack.result.classOnlyTop1,
                                          detail: "the best constant guess per class on the stimuli themselves (an oracle)"))
        }
        summary.metrics.append(Metric(name: "reidentification_held_out_real_top1", value: reidentification.heldOutSlice.top1,
                                      detail: "last \(Int(reidentification.heldOutFraction * 100))% of each training person's windows"))
        if let distance = privacy.closestRecord.first(where: { $0.set == shipped }) {
            summary.closestRecordRatio = distance.summary.ratio
        }
        for row in utility.students {
            summary.metrics.append(Metric(name: "accuracy \(row.kind) on \(row.trainedOn)", value: row.scores.accuracy))
        }
        return summary
    }
}
