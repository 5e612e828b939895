/// The students stim trains: a network architecture or an SVM.
public enum StudentKind: String, CaseIterable, Sendable {
    case cnn, mlp
    case svmLinear = "svm-linear"
    case svmRbf = "svm-rbf"

    public var architecture: StudentArchitecture? { StudentArchitecture(rawValue: rawValue) }
    public var isSvm: Bool { architecture == nil }
}
