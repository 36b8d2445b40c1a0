import ArgumentParser

/// The `korium` command-line tool. Each area's subcommands live in their own file.
@main
struct Korium: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "korium",
        abstract: "swift-korium: a pure-Swift peer-to-peer networking stack.",
        subcommands: [
            VersionCommand.self,
            VectorsCommand.self,
            FrostCommand.self,
            SimCommand.self,
            TLSBenchCommand.self,
            CTCheckCommand.self,
            IOBenchCommand.self,
            NetemProxyCommand.self,
            QUICServerCommand.self,
            QUICClientCommand.self,
            DemoCommand.self,
        ]
    )
}

/// `korium version`: prints the tool version and the C libraries it links.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    func run() {
        print("korium 0.1.0")
    }
}
