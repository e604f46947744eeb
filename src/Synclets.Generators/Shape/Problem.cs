using Microsoft.CodeAnalysis;

namespace Synclets.Generators.Shape;

/// <summary>
/// Something wrong with an annotated type, found by <see cref="ShapeReader"/>. Only the analyzer
/// reports problems; the generator just emits nothing for a type that has any, so this never
/// enters the generator's cached pipeline.
/// </summary>
/// <param name="Id">The diagnostic id, SYNCnnn.</param>
/// <param name="Location">Where to report it.</param>
/// <param name="Arguments">The message's format arguments.</param>
internal sealed record Problem(string Id, Location Location, params string[] Arguments);
