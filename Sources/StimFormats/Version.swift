public enum StimFormatsVersion { public static let major: UInt16 = 1; public static let minor: UInt16 = 0 }
