namespace Adoption.Service.Tests.Hosting;

/// <summary>The checkout the tests were built from, and the service as its build left it.</summary>
internal static class Checkout
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built service's own folder (<c>src/Adoption.Service/bin/&lt;configuration&gt;/net10.0</c>), as <c>scripts/run.sh</c> runs it.</summary>
    public static string ServiceFolder
    {
        get
        {
            // The test output is tests/<project>/bin/<configuration>/<framework>/: the service was built the same way.
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var folder = Path.Combine(Root, "src", "Adoption.Service", "bin", framework.Parent!.Name, framework.Name);
            return File.Exists(Path.Combine(folder, "Adoption.Service.dll"))
                ? folder
                : throw new InvalidOperationException($"The service is not built in {folder}.");
        }
    }

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
