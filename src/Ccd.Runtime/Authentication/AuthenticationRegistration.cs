using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Ccd.Runtime.Authentication;

/// <summary>Registers the two schemes, the two policies and the user resolver (called by <c>AddCcdRuntime</c>).</summary>
internal static class AuthenticationRegistration
{
    public static void AddCcdAuthentication(this WebApplicationBuilder builder, AppEnvironment environment)
    {
        var settings = CcdAuthSettings.Read(builder.Configuration, environment, builder.Environment.ContentRootPath);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<AuthenticationCache>();
        services.AddSingleton<VerifiedTokenCache>();
        services.AddSingleton<SigningKeyRefresh>();
        services.AddHttpClient(S2sDetailsVerifier.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5));
        services.AddHttpClient(UserInfoClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<UserInfoClient>();
        services.AddSingleton<ICcdUserResolver, CcdUserResolver>();
        if (settings.UsesSigningKey)
        {
            services.AddSingleton<IServiceTokenVerifier, DevServiceTokenVerifier>();
        }
        else
        {
            services.AddSingleton<IServiceTokenVerifier, S2sDetailsVerifier>();
        }

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, UserTokenAuthenticationHandler>(CcdAuthentication.UserScheme, UserTokenAuthenticationHandler.Configure)
            .AddJwtBearer(CcdAuthentication.UserTokenVerificationScheme, options => TokenValidation.ConfigureUserTokens(options, settings))
            .AddScheme<AuthenticationSchemeOptions, ServiceAuthenticationHandler>(CcdAuthentication.ServiceScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(CcdAuthentication.UserTokenVerificationScheme).Configure<VerifiedTokenCache>((options, cache) =>
        {
            var verifier = new JsonWebTokenHandler { MapInboundClaims = false };
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new CachedUserTokenHandler(verifier, cache));
        });
        // After AddJwtBearer, so it runs after the framework's own post-configure that creates the configuration manager.
        services.AddSingleton<Microsoft.Extensions.Options.IPostConfigureOptions<JwtBearerOptions>, SigningKeyRefresh.InstallOptions>();

        services.AddSingleton<IAuthorizationHandler, CallerRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, CcdAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(CcdAuthentication.PersistencePolicy, policy => policy
                .AddAuthenticationSchemes(CcdAuthentication.UserScheme, CcdAuthentication.ServiceScheme)
                .AddRequirements(new CallerRequirement(requiresService: true)))
            .AddPolicy(CcdAuthentication.UserPolicy, policy => policy
                .AddAuthenticationSchemes(CcdAuthentication.UserScheme)
                .AddRequirements(new CallerRequirement(requiresService: false)));
    }
}
