using Ccd.Runtime.Hosting;
using Ccd.Runtime.Commands;
using Adoption.Service.A58CaseType;
using Adoption.Service.Api.Assignments;
using Adoption.Service.Api.Audit;
using Adoption.Service.Api.Cases;
using Adoption.Service.Api.Courts;
using Adoption.Service.Api.Documents;
using Adoption.Service.ApiReference;
using Adoption.Service.CaseWrites;
using Adoption.Service.Hearings;
using Adoption.Service.Notifications;
using Adoption.Service.Retention;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Retention;
using Ccd.Runtime.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Adoption.Service.Hosting;

/// <summary>What <c>Program.cs</c> adds to the runtime for the adoption service: its schema, case type, services and endpoints.</summary>
public static class AdoptionHost
{
    /// <summary>The adoption schema's migrations, applied after the runtime's.</summary>
    public static MigrationSource Migrations { get; } = MigrationSource.FromAssembly(typeof(AdoptionHost).Assembly);

    /// <summary>The adoption schema, case type A58 with its job, and the service's own services.</summary>
    public static CcdRuntimeBuilder AddAdoption(this CcdRuntimeBuilder ccd)
    {
        ArgumentNullException.ThrowIfNull(ccd);
        ccd.AddMigrations(Migrations).AddA58().AddJobHandler<NotifyHearingListed>(HearingListedJob.Kind);
        var services = ccd.Services;
        services.AddSingleton<AdoptionWritePath>();
        services.AddSingleton<ICaseRetentionPolicy, A58RetentionPolicy>();
        HearingOptions.Register(services);
        services.AddSingleton<HearingDateRule>();
        services.AddSingleton<INotificationSender, TableNotificationSender>();
        services.AddApiDocument();
        return ccd;
    }

    /// <summary>The adoption REST API under <c>/api</c> (a signed-in user required) and its reference pages.</summary>
    public static WebApplication MapAdoptionApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapApiReference();
        var api = app.MapGroup("/api").RequireCcdUser();
        api.MapCourtEndpoints();
        api.MapCaseEndpoints();
        api.MapAssignmentEndpoints();
        api.MapDocumentEndpoints();
        api.MapAuditEndpoints();
        return app;
    }
}
