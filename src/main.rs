fn main() -> std::process::ExitCode {
    migrate_lint::cli::main()
}
