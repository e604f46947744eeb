namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// The real JavaScript Synclets (../shared/interop/synclets-reference.mjs from the repository's
/// root), made runnable by tests/interop/install.sh in .interop/: its npm packages, a link to it and
/// links to the scripts of tests/interop, which Node.js runs with --preserve-symlinks so the
/// reference's imports resolve there.
/// </summary>
public static class Reference
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The folder install.sh prepared.</summary>
    public static string Folder => Found.Value ?? throw new InvalidOperationException(WhyMissing);

    /// <summary>True when the reference, its packages and Node.js are all here.</summary>
    public static bool IsAvailable => Found.Value is not null && NodeJs.IsAvailable;

    /// <summary>CI sets this: there the interop tests must run, so a missing install fails them instead of skipping.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable("SYNCLETS_INTEROP_REQUIRED") == "1";

    public static string WhyMissing =>
        "The JavaScript reference is not installed: it needs Node.js 20+, ../shared/interop/synclets-reference.mjs beside the repository, and tests/interop/install.sh run once.";

    private static string? Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Synclets.sln")))
            {
                var prepared = Path.Combine(folder.FullName, ".interop");
                return File.Exists(Path.Combine(prepared, "synclets-reference.mjs")) && Directory.Exists(Path.Combine(prepared, "node_modules")) ? prepared : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs the JavaScript reference: skipped, saying why, where it is missing, except in CI.</summary>
public sealed class ReferenceFactAttribute : FactAttribute
{
    public ReferenceFactAttribute()
    {
        if (!Reference.IsAvailable && !Reference.IsRequired)
        {
            Skip = Reference.WhyMissing;
        }
    }
}

/// <summary>A theory that needs the JavaScript reference: skipped, saying why, where it is missing, except in CI.</summary>
public sealed class ReferenceTheoryAttribute : TheoryAttribute
{
    public ReferenceTheoryAttribute()
    {
        if (!Reference.IsAvailable && !Reference.IsRequired)
        {
            Skip = Reference.WhyMissing;
        }
    }
}
