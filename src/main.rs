//! The `natter` command; everything happens in the library.

fn main() -> std::process::ExitCode {
    natter::cli::main()
}
