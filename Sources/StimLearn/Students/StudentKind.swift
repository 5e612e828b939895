/// The students stim trains: a network architecture or an SVM.
public enum StudentKind: String, CaseIterable, Sendable {
    case cnn, mlp
    case svmLinear = "svm-linear"
    case svmRbf = "svm-rbf"

    public var architecture: StudentArchitecture? { StudentArchitecture(rawValue: rawValue) }
    public var isSvm: Bool { architecture == nil }

    /// Whether a student of this kind, by default, classifies windows clamped to the range of its training examples
    /// (`StudentTrainingOptions.clamps`). Stimuli of a tanh generator lie within ±1; real belt windows reach ±8.
    /// Measured by record on the 8 belt records (15,000 stimuli per record held out, 3 seeds pooled), clamping
    /// lifted the MLP from 0.884 to 0.913 (its dense layers extrapolate linearly from ±1), and lowered the CNN from
    /// 0.951 to 0.939 (it reads the shape of large breaths, which a clamp flattens) and scikit-learn's RBF SVC on the
    /// same stimuli from 0.919 to 0.915. The linear SVM clamps like the MLP.
    public var clampsToTrainingRange: Bool { self == .mlp || self == .svmLinear }
}
