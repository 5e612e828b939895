/// A command's failure in words (ArgumentParser prints it as "Error: ..." without the usage, unlike ValidationError).
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
