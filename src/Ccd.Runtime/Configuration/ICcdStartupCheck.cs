namespace Ccd.Runtime.Configuration;

/// <summary>
/// A check the serve path runs after the database is ready and before it serves: a feature registers one to fail start-up fast on a dependency it
/// cannot work without.
/// </summary>
internal interface ICcdStartupCheck
{
    /// <exception cref="CcdStartupException">The dependency refused or did not answer; the message names the cause.</exception>
    Task RunAsync(CancellationToken cancellationToken);
}
