using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Endpoints;

/// <summary>Turns the exceptions that mean "the caller cannot do this" into ProblemDetails, never a 500.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            AccessDeniedException => (StatusCodes.Status403Forbidden, "Not allowed"),
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "Changed by someone else"),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            _ => (0, ""),
        };
        if (status == 0) return false;

        context.Response.StatusCode = status;
        var detail = exception is DbUpdateConcurrencyException ? "Reload and try again." : exception.Message;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }
}
