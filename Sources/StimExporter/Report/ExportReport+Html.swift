import Foundation

extension ExportReport {
    /// The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external resources.
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>stim report: \(Html.escape(dataset))</title>
            <style>
            body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
            table{border-collapse:collapse;margin:0.5em 0 1em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th{background:#f0f0f0}td.name,th.name{text-align:left}p.note{color:#555;font-size:0.92em}
            .grid{display:grid;gap:6px 14px;align-items:start}.cell{font-size:0.85em}
            .legend span{display:inline-block;width:14px;height:4px;margin:0 4px 2px 10px;vertical-align:middle}
            </style></head><body>
            <h1>stim report: \(Html.escape(dataset))</h1>
            <p>\(Html.escape(evaluation)). Training records: \(Html.escape(trainingRecords.joined(separator: ", "))).
            Stimulus sets: \(Html.escape(stimulusSets.map { "\($0.name) (\($0.count))" }.joined(separator: ", "))).</p>

            """
        page += targetsSection() + utilitySection() + perRecordSection() + privacySection() + examplesSection() + acceptanceSection()
        page += "<h2 id=\"timings\">Timings</h2><table><tr><th class=\"name\">stage</th><th>seconds</th></tr>"
        for (stage, value) in seconds.sorted(by: { $0.key < $1.key }) {
            page += "<tr><td class=\"name\">\(Html.escape(stage))</td><td>\(fixed(value, 1))</td></tr>"
        }
        return page + "</table></body></html>\n"
    }

    private func targetsSection() -> String {
        var html = """
            <h2 id="targets">Targets</h2>
            <p class="note">The project's utility and privacy targets for a dataset, checked against the measurements
            below on these held-out records; the privacy ones hold for the attacks and distances described there, not
            against every possible attack.</p>
            <table><tr><th class="name">target</th><th class="name">measured</th><th class="name">met</th></tr>
            """
        for check in targetChecks {
            html += "<tr><td class=\"name\">\(Html.escape(check.target))</td><td class=\"name\">\(Html.escape(check.measured))</td>"
                + "<td class=\"name\">\(check.met ? "yes" : "<b>no</b>")</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private func utilitySection() -> String {
        var html = """
            <h2 id="utility">Utility on the held-out records</h2>
            <p class="note">Each model classifies every window of the held-out records, which no model trained on, as
            <code>stim train</code> deploys it: an MLP or linear SVM sees them clamped to the range of the examples it
            trained on (stimuli lie in (−1, 1), real windows reach further), a CNN or RBF SVM as they are. Apnea is
            the positive class: sensitivity is the share of apnea minutes called apnea, specificity the share of normal
            minutes called normal; κ is Cohen's kappa. Each student is trained once per seed (an RBF SVM, which no
            seed changes, once); its row scores the seeds' predictions pooled (the accuracy is their mean) beside the
            range of the seeds' accuracies, and its membership AUC is the seeds' mean (see Privacy).</p>
            <table><tr><th class="name">model</th><th class="name">trained on</th><th>examples</th><th>accuracy</th>
            <th>seeds' accuracies</th><th>κ</th><th>sensitivity</th><th>specificity</th><th>membership AUC</th></tr>
            """
        html += scoreRow("teacher", "real windows", nil, utility.teacher, seeds: [], auc: nil)
        for row in utility.students {
            html += scoreRow(row.kind, row.trainedOn, row.trainingCount, row.scores, seeds: row.seedAccuracies,
                             auc: row.membership.auc)
        }
        return html + "</table>\n"
    }

    private func scoreRow(_ model: String, _ source: String, _ count: Int?, _ s: ClassificationScores, seeds: [Double],
                          auc: Double?) -> String {
        let range = seeds.count < 2 ? "" : "\(fixed(seeds.min() ?? 0, 3))–\(fixed(seeds.max() ?? 0, 3)) (\(seeds.count))"
        return "<tr><td class=\"name\">\(Html.escape(model))</td><td class=\"name\">\(Html.escape(source))</td>"
            + "<td>\(count.map(String.init) ?? "")</td><td>\(fixed(s.accuracy, 3))</td><td>\(range)</td>"
            + "<td>\(fixed(s.kappa, 3))</td>"
            + "<td>\(s.sensitivity.map { fixed($0, 3) } ?? "n/a")</td><td>\(s.specificity.map { fixed($0, 3) } ?? "n/a")</td>"
            + "<td>\(auc.map { fixed($0, 3) } ?? "")</td></tr>\n"
    }

    private func perRecordSection() -> String {
        var html = "<h2 id=\"per-record\">Accuracy per held-out record</h2>\n"
        for record in heldOutRecords {
            var items: [(label: String, value: Double)] = []
            if let own = utility.teacherPerRecord.first(where: { $0.record == record }) { items.append(("teacher", own.accuracy)) }
            for row in utility.students {
                if let own = row.perRecord.first(where: { $0.record == record }) {
                    items.append(("\(row.kind) · \(row.trainedOn)", own.accuracy))
                }
            }
            let windows = utility.teacherPerRecord.first { $0.record == record }?.count ?? 0
            html += "<h3>\(Html.escape(record)) (\(windows) windows)</h3>\n" + SvgChart.bars(items) + "\n"
        }
        return html
    }

    private func privacySection() -> String {
        let r = privacy.reidentification, m = privacy.membership
        var html = """
            <h2 id="privacy">Privacy measurements</h2>
            <h3>Re-identification</h3>
            <p class="note">An attacker network was trained to tell the \(r.persons) training persons apart from their
            real windows, except the last \(Int(r.heldOutFraction * 100))% of each person's windows. It names one
            person per window; top-1 is the share named correctly. For a stimulus, "correctly" means the person whose
            real training window lies closest to it (Euclidean). The class-only attacker knows only each window's class
            (for a stimulus, its target class) and makes the best constant guess per class on the very windows of that
            row: for each class, the person most often the right answer among that row's windows of the class. It is an
            oracle, an upper bound on what knowing the class alone gives, measured on each row because the persons
            nearest to stimuli are distributed nothing like the training windows. Chance is 1/\(r.persons).
            These figures describe this attacker only; a stronger attacker could do better.</p>
            <table><tr><th class="name">windows</th><th>count</th><th>attacker top-1</th><th>class-only top-1</th><th>chance</th></tr>
            """
        html += reidentificationRow("real held-out slice of the training persons", r.heldOutSlice, r.chance)
        for named in r.stimulusSets { html += reidentificationRow(named.set, named.result, r.chance) }
        html += """
            </table>
            <h3>Distance to closest record</h3>
            <p class="note">For every window, the Euclidean distance to its nearest real training window. The ratio
            divides the stimuli's median by the median of the held-out records' real windows: near 0, stimuli copy
            training windows; near or above 1, stimuli lie no closer to training windows than unseen real windows do.
            It does not rule out that a stimulus reveals something about a person in another way.</p>
            <table><tr><th class="name">set</th><th>median distance</th><th>held-out real median</th><th>ratio</th>
            <th>share below held-out 5th percentile</th></tr>
            """
        for named in privacy.closestRecord {
            let s = named.summary
            html += "<tr><td class=\"name\">\(Html.escape(named.set))</td><td>\(fixed(s.medianStimulusDistance, 3))</td>"
                + "<td>\(fixed(s.medianHeldOutDistance, 3))</td><td>\(fixed(s.ratio, 3))</td>"
                + "<td>\(fixed(s.shareBelowHeldOutFifthPercentile, 3))</td></tr>\n"
        }
        html += """
            </table>
            <h3>Membership inference</h3>
            <p class="note">For each student, an attacker scores every window by the probability the student gives its
            true class and guesses "member" above a threshold. The AUC over all thresholds compares members with
            non-members of the same persons, so that no difference between persons moves it. Members: the
            \(m.members) windows of the training records \(Html.escape(m.records.joined(separator: ", "))) that the
            teacher and the real-window students trained on (for students trained on stimuli: the windows the teacher
            saw). Non-members: the \(m.nonMembers) windows of the same records' membership slice, blocks of
            \(m.blockWindows) consecutive windows spread over each night that no model trained on (not the teacher,
            the identity network, the generator, the students, the VAE nor the re-identification attacker). 0.5 means
            the confidence does not tell them apart; above 0.5, a student is surer of windows it or the teacher saw.
            SVMs without probabilities score 1 or 0.</p>
            <table><tr><th class="name">student</th><th class="name">trained on</th><th>AUC</th>
            <th>mean true-class probability, members</th><th>non-members</th></tr>
            """
        for row in utility.students {
            html += "<tr><td class=\"name\">\(Html.escape(row.kind))</td><td class=\"name\">\(Html.escape(row.trainedOn))</td>"
                + "<td>\(fixed(row.membership.auc, 3))</td><td>\(fixed(row.membership.memberConfidence, 3))</td>"
                + "<td>\(fixed(row.membership.nonMemberConfidence, 3))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private func reidentificationRow(_ name: String, _ result: ReidentificationAttack.Result, _ chance: Double) -> String {
        "<tr><td class=\"name\">\(Html.escape(name))</td><td>\(result.count)</td><td>\(fixed(result.top1, 3))</td>"
            + "<td>\(fixed(result.classOnlyTop1, 3))</td><td>\(fixed(chance, 3))</td></tr>\n"
    }

    private func examplesSection() -> String {
        let sources = examples.reduce(into: [String]()) { if !$0.contains($1.source) { $0.append($1.source) } }
        let colors = ["#1f5fa8", "#d9822b", "#3c8c4c", "#8e44ad"]
        let channels = max(1, examples.first?.channels ?? 1)
        let legend = (0..<min(channels, colors.count)).map { "<span style=\"background:\(colors[$0])\"></span>channel \($0 + 1)" }
        var html = """
            <h2 id="examples">Real windows beside stimuli</h2>
            <p class="note legend">Each trace is one 60-second window, its channels on one scale of ±4 (normalized
            units):\(legend.joined())</p>
            <div class="grid" style="grid-template-columns:70px repeat(\(sources.count),250px)">
            <div class="cell"></div>
            """
        html += sources.map { "<div class=\"cell\"><b>\(Html.escape($0))</b></div>" }.joined() + "\n"
        for (c, className) in classNames.enumerated() {
            html += "<div class=\"cell\"><b>\(Html.escape(className))</b></div>"
            for source in sources {
                let windows = examples.first { $0.source == source && $0.classIndex == c }?.windows ?? []
                let traces = windows.map { window in
                    let per = window.count / channels
                    return SvgChart.traces((0..<channels).map { Array(window[($0 * per)..<(($0 + 1) * per)]) },
                                           colors: colors, width: 240, height: 80, range: 4)
                }
                html += "<div class=\"cell\">" + (traces.isEmpty ? "none" : traces.joined(separator: "<br>")) + "</div>"
            }
            html += "\n"
        }
        return html + "</div>\n"
    }

    private func acceptanceSection() -> String {
        guard let acceptance else {
            return "<h2 id=\"acceptance\">Acceptance</h2><p>No acceptance log was given to the report.</p>\n"
        }
        return """
            <h2 id="acceptance">Acceptance</h2>
            <p class="note">\(acceptance.accepted) of \(acceptance.attempts) synthesis attempts were accepted (mean
            \(fixed(acceptance.meanSteps, 1)) steps). Each column counts attempts by the score they reached: accepted
            <span style="color:#3c8c4c">■</span>, rejected <span style="color:#c0504d">■</span>.</p>
            \(SvgChart.acceptanceHistogram(acceptance.bins))

            """
    }

    /// `value` with `digits` decimals whatever the locale ("n/a" when not finite).
    func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", locale: Locale(identifier: "en_US_POSIX"), value) : "n/a"
    }
}
