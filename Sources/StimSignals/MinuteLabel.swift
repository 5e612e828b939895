/// An expert's verdict on one minute of a recording: minute `m` covers seconds `60m ..< 60(m+1)`.
public struct MinuteLabel: Sendable, Equatable, Hashable {
    public var minute: Int
    public var apnea: Bool

    public init(minute: Int, apnea: Bool) {
        self.minute = minute
        self.apnea = apnea
    }
}
