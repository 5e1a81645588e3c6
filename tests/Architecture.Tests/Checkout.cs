namespace Architecture.Tests;

/// <summary>The checkout the tests were built from, and the built assemblies they read.</summary>
internal static class Checkout
{
    public static string Root { get; } = FindRoot();

    public static string ArchitectureDoc => Path.Combine(Root, "docs", "architecture.md");

    /// <summary>A project's built assembly, copied beside the tests by their project reference.</summary>
    public static string Assembly(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CcdRuntime.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No CcdRuntime.slnx above {AppContext.BaseDirectory}.");
    }
}
