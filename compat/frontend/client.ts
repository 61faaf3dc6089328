// A family app's first screen, written against the documents graphql-codegen generates from
// docs/api.md's examples: log in as an app, read who is logged in and their children, then one
// child's week, and print what the screen would show as JSON.
//
// From the repository root, after `npm ci` in compat/, docs/api.md's operations first:
//   mkdir -p compat/frontend/operations
//   .venv/bin/python -m tests.web.api_operations > compat/frontend/operations/api.graphql
//   cd compat/frontend && npx graphql-codegen --config codegen.ts && npx tsc -p .
//   node dist/client.js <server URL> <login> <password> <week, e.g. 2026-W48>
import {
  ChildWeekDocument,
  LoginDocument,
  ViewerDocument,
  type TypedDocumentString,
} from "./generated/graphql.js";

interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

interface GraphQLResponse<TResult> {
  data?: TResult | null;
  errors?: GraphQLError[];
}

class ApiError extends Error {}

async function execute<TResult, TVariables>(
  server: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<TResult> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json, application/json;q=0.9",
  };
  if (token !== undefined) {
    headers.Authorization = `Bearer ${token}`;
  }
  const response = await fetch(new URL("/graphql", server), {
    method: "POST",
    headers,
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as GraphQLResponse<TResult>;
  if (body.errors !== undefined && body.errors.length > 0) {
    const described = body.errors.map((e) => `${e.extensions?.code ?? "?"}: ${e.message}`);
    throw new ApiError(described.join("; "));
  }
  if (body.data === undefined || body.data === null) {
    throw new ApiError(`HTTP ${response.status} without data`);
  }
  return body.data;
}

async function main(argv: string[]): Promise<void> {
  const [server, login, password, week] = argv;
  if (server === undefined || login === undefined || password === undefined || week === undefined) {
    throw new ApiError("usage: client.js <server URL> <login> <password> <week>");
  }

  const session = (await execute(server, LoginDocument, { login, password })).login;
  const problems = session?.userErrors ?? [];
  if (problems.length > 0 || !session?.accessToken) {
    throw new ApiError(`login refused: ${problems.map((p) => p.code).join(", ")}`);
  }
  const token = session.accessToken;

  const viewer = (await execute(server, ViewerDocument, {}, token)).viewer;
  if (!viewer) {
    throw new ApiError("logged in, yet no viewer");
  }
  // Nullable like every field that loads: null when the children could not be read.
  const children = viewer.children ?? [];
  const child = children[0];
  if (child === undefined) {
    throw new ApiError(`${viewer.fullName} follows no child`);
  }

  const diary = (await execute(server, ChildWeekDocument, { studentId: child.id, week }, token))
    .diary;
  const lessons = (diary?.days ?? []).flatMap((day) =>
    day.lessons.map((entry) => ({ date: day.date, ...entry })),
  );
  const summary = {
    viewer: { login: viewer.login, fullName: viewer.fullName, roles: viewer.roles },
    children: children.map((c) => ({ id: c.id, fullName: c.fullName })),
    week: {
      studentId: child.id,
      week: diary?.week ?? null,
      days: (diary?.days ?? []).map((day) => day.date),
      lessons: lessons.length,
      subjects: [...new Set(lessons.map((entry) => entry.lesson.subject.name))].sort(),
      marks: lessons.reduce((count, entry) => count + entry.marks.length, 0),
      homework: lessons.reduce((count, entry) => count + entry.homework.length, 0),
      termAverages: (diary?.termAverages ?? []).map((average) => ({
        subject: average.subject.name,
        average: average.average,
      })),
    },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
