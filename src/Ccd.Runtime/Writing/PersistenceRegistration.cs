using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Writing;

/// <summary>Registers case types from configuration and the persistence API's services (called by <c>AddCcdRuntime</c>).</summary>
internal static class PersistenceRegistration
{
    public static void AddCcdPersistence(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var catalog = CaseTypeCatalog.Of(services);
        foreach (var caseType in ConfiguredCaseTypes.Read(builder.Configuration))
        {
            catalog.Add(caseType);
        }

        var submission = builder.Configuration.GetSection(SubmissionOptions.SectionName);
        var timeout = submission.GetValue<int?>(nameof(SubmissionOptions.TimeoutSeconds)) ?? new SubmissionOptions().TimeoutSeconds;
        if (timeout is < 1 or > 600)
        {
            throw new CcdStartupException($"{SubmissionOptions.SectionName}:{nameof(SubmissionOptions.TimeoutSeconds)} must be between 1 and 600 seconds.");
        }

        var systemUser = submission.GetSection(nameof(SubmissionOptions.SystemUser));
        if (systemUser[nameof(SystemUserOptions.Id)] is { Length: > 64 })
        {
            throw new CcdStartupException($"{SubmissionOptions.SectionName}:SystemUser:Id must be at most 64 characters.");
        }

        services.AddOptions<SubmissionOptions>().Bind(submission);
        services.AddSingleton<CaseGate>();
        services.AddSingleton<CaseWritePipeline>();
        services.AddSingleton<CcdSubmission>();
        services.AddSingleton<ICcdEventSubmitter, CcdEventSubmitter>();
    }
}
