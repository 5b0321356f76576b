#if canImport(Glibc)
    import Glibc
#endif

// Student data is sensitive: everything certgate creates (the database, its WAL, evidence, exports)
// is readable by the owner only.
umask(0o077)
exit(CommandLineTool.run(Array(CommandLine.arguments.dropFirst())))
