using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>The place of a test in a class whose tests are steps on one shared, expensive thing (a booted VM).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int number) : Attribute
{
    public int Number { get; } = number;
}

/// <summary>Runs a class's test methods in the order of their <see cref="StepAttribute"/> (use with <c>[TestMethodOrderer(typeof(StepOrderer))]</c>).</summary>
public sealed class StepOrderer : ITestMethodOrderer
{
    public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
        where TTestMethod : notnull, ITestMethod =>
        [.. testMethods.OrderBy(m => Step(m))];

    private static int Step(ITestMethod? testMethod) =>
        (testMethod as IXunitTestMethod)?.Method.GetCustomAttribute<StepAttribute>()?.Number ?? int.MaxValue;
}
