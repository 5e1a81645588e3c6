namespace Ccd.Runtime.Configuration;

/// <summary>A configuration problem found while registering the runtime, reported when the application runs (one line, exit code 2).</summary>
internal sealed class StartupFailure(CcdStartupException exception)
{
    public CcdStartupException Exception => exception;

    public void Throw() => System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
}
