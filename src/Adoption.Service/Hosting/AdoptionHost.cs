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
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.LocalDatabase;
using Ccd.Runtime.Retention;
using Ccd.Runtime.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Adoption.Service.Hosting;

/// <summary>The adoption service as a host on the CCD runtime: its services, endpoints and schema.</summary>
public static class AdoptionHost
{
    /// <summary>The adoption schema's migrations, applied after the runtime's.</summary>
    public static MigrationSource Migrations { get; } = new("adoption", typeof(AdoptionHost).Assembly, "Adoption.Service.Migrations.");

    /// <summary>What <c>Program.cs</c> runs.</summary>
    public static CcdHostDefinition Definition { get; } = new()
    {
        Description = "Adoption case service (case type A58) on the CCD runtime.",
        ConfigureServices = ConfigureServices,
        ConfigureApp = ConfigureApp,
    };

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        var ccd = builder.AddCcdRuntime().AddMigrations(Migrations).AddA58()
            .AddJobHandler<NotifyHearingListed>(HearingListedJob.Kind);
        if (ccd.Environment == AppEnvironment.Local)
        {
            ccd.AddLocalPostgres(); // the embedded development database, used when LOCAL_DATABASE_URL is not set
        }

        builder.Services.AddSingleton<AdoptionWritePath>();
        builder.Services.AddSingleton<ICaseRetentionPolicy, A58RetentionPolicy>();
        builder.Services.AddSingleton(HearingOptions.Read(builder.Configuration));
        builder.Services.AddSingleton<HearingDateRule>();
        builder.Services.AddSingleton<INotificationSender, TableNotificationSender>();
        builder.Services.AddApiDocument();
    }

    private static void ConfigureApp(WebApplication app)
    {
        app.MapCcdPersistence();
        app.MapApiReference();
        var api = app.MapGroup("/api").RequireCcdUser();
        api.MapCourtEndpoints();
        api.MapCaseEndpoints();
        api.MapAssignmentEndpoints();
        api.MapDocumentEndpoints();
        api.MapAuditEndpoints();
    }
}
