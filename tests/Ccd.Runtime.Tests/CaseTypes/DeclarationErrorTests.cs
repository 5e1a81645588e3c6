using System.CommandLine;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Commands;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Tests.Support;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Ccd.Runtime.Tests.CaseTypes;

/// <summary>A mistake in a case type's declaration stops <c>serve</c> with one line naming the case type, event and what is wrong (exit code 2).</summary>
public sealed class DeclarationErrorTests(PostgresServer postgres)
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task a_handler_whose_dependency_is_not_registered_is_named_with_its_event()
    {
        // TypedSubmitHandler needs a HandlerProbe, which this service never registers.
        var url = await postgres.CreateEmptyDatabaseAsync();

        var error = await ServeAsync(url, runtime => runtime.AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct
            .Event("create", e => e.Handler<TypedSubmitHandler>())));

        Assert.StartsWith("error: Case type FT_Decl, event create: handler TypedSubmitHandler cannot be created: ", error, StringComparison.Ordinal);
        Assert.Contains(nameof(HandlerProbe), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_handler_named_by_an_interface_nobody_implements_is_named_as_missing()
    {
        var url = await postgres.CreateEmptyDatabaseAsync();

        var error = await ServeAsync(url, runtime => runtime.AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct
            .Event("create", e => e.Handler<ICreateTyped>())));

        Assert.Equal("error: Case type FT_Decl, event create: handler ICreateTyped is an interface and no implementation of it is registered; register one (services.AddScoped<ICreateTyped, ...>()) or name the class itself.", error);
    }

    [Fact]
    public async Task an_event_moving_to_a_state_the_configuration_does_not_declare_is_named_by_its_key()
    {
        var error = await ServeAsync(null, _ => { },
            "--Ccd:CaseTypes:0:Id=FT_Conf", "--Ccd:CaseTypes:0:Jurisdiction=TEST",
            "--Ccd:CaseTypes:0:States:0=Open", "--Ccd:CaseTypes:0:States:1=Closed",
            "--Ccd:CaseTypes:0:Events:0:Id=create", "--Ccd:CaseTypes:0:Events:1:Id=close", "--Ccd:CaseTypes:0:Events:1:PostState=Closd");

        Assert.Equal("error: Ccd:CaseTypes:0:Events:1:PostState names state 'Closd', which is not one of Ccd:CaseTypes:0:States (Open, Closed).", error);
    }

    [Fact]
    public async Task an_event_declared_twice_is_named()
    {
        var error = await ServeAsync(null, runtime => runtime.AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct
            .Event("create").Event("addNote").Event("create")));

        Assert.Equal("error: Case type FT_Decl, event create: declared twice; declare each event once.", error);
    }

    [Fact]
    public async Task a_published_field_of_an_unknown_type_is_named()
    {
        var error = await ServeAsync(null, runtime => runtime.AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct
            .Event("close", e => e.PublishedField(c => c.Title, "Txt"))));

        Assert.StartsWith("error: Case type FT_Decl, event close: published field title has type 'Txt', which is not a CCD field type that can be published; use one of Text, ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_published_field_that_is_not_a_member_of_the_case_is_named()
    {
        var error = await ServeAsync(null, runtime => runtime.AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct
            .Event("close", e => e.PublishedField(c => c.Title + "!"))));

        Assert.Equal("error: Case type FT_Decl, event close: published field 'c => (c.Title + \"!\")' is not a member of TypedCase; write it as c => c.Field, a top-level field of the case.", error);
    }

    [Fact]
    public async Task a_published_field_whose_ccd_type_cannot_be_inferred_is_named()
    {
        var error = await ServeAsync(null, runtime => runtime.AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct
            .Event("close", e => e.PublishedField(c => c.Notes))));

        Assert.Equal("error: Case type FT_Decl, event close: published field notes has .NET type List<String>, whose CCD field type cannot be inferred; name it, as in PublishedField(c => c.Notes, \"Email\").", error);
    }

    [Fact]
    public async Task states_sharing_one_value_are_named()
    {
        var error = await ServeAsync(null, runtime => runtime.AddCaseType<TypedCase, AliasedState>("FT_Decl", "TEST", ct => ct.Event("create")));

        Assert.Equal("error: Case type FT_Decl: states Submitted and Issued of AliasedState share one value; give each state its own value.", error);
    }

    [Fact]
    public async Task a_state_enum_without_states_is_named()
    {
        var error = await ServeAsync(null, runtime => runtime.AddCaseType<TypedCase, NoState>("FT_Decl", "TEST", ct => ct.Event("create")));

        Assert.Equal("error: Case type FT_Decl: state enum NoState has no members; declare at least one state.", error);
    }

    [Fact]
    public async Task a_case_type_declared_twice_is_named()
    {
        var error = await ServeAsync(null, runtime => runtime
            .AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct.Event("create"))
            .AddCaseType<TypedCase, TypedState>("FT_Decl", "TEST", ct => ct.Event("close")));

        Assert.Equal("error: Case type FT_Decl is declared twice (in code or in Ccd:CaseTypes); declare it once.", error);
    }

    [Fact]
    public async Task an_event_declared_twice_in_configuration_is_named_by_its_key()
    {
        var error = await ServeAsync(null, _ => { },
            "--Ccd:CaseTypes:0:Id=FT_Conf", "--Ccd:CaseTypes:0:Jurisdiction=TEST",
            "--Ccd:CaseTypes:0:Events:0:Id=create", "--Ccd:CaseTypes:0:Events:1:Id=create");

        Assert.Equal("error: Ccd:CaseTypes:0: Case type FT_Conf declares event 'create' twice.", error);
    }

    /// <summary>Runs <c>serve</c> and answers what it printed on standard error, asserting exit code 2, one line and nothing on standard output.</summary>
    /// <param name="databaseUrl">A real database, for mistakes found once it is ready; null points at a port nothing listens on (the mistake must stop start-up first).</param>
    private static async Task<string> ServeAsync(string? databaseUrl, Action<CcdRuntimeBuilder> declare, params string[] extra)
    {
        string[] args = ["serve", "--APP_ENV=TEST", $"--TEST_DATABASE_URL={databaseUrl ?? "postgres://app:pw@127.0.0.1:1/none"}",
            $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}", "--urls=http://127.0.0.1:0", .. extra];
        var builder = WebApplication.CreateBuilder(args);
        declare(builder.AddCcdRuntime());
        await using var app = builder.Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var run = app.RunCcdAsync(args, new InvocationConfiguration { Output = output, Error = error });
        if (await Task.WhenAny(run, Task.Delay(Ceiling, TestContext.Current.CancellationToken)) != run)
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"serve started despite the mistake:\n{error}");
        }

        Assert.Equal(2, await run);
        Assert.Empty(output.ToString());
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{error}");
        return lines[0].Trim();
    }

    /// <summary>A handler the declaration names by its interface, which nothing implements.</summary>
    public interface ICreateTyped : ISubmitHandler<TypedCase, TypedState>
    {
    }

    public enum AliasedState
    {
        Open,
        Submitted,
        Issued = Submitted,
    }

    public enum NoState
    {
    }
}
