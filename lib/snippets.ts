/** The seed document's three examples, filled in with this server's /v1 URL and a key. */
export function seedSnippets(baseUrl: string, apiKey: string) {
  return {
    curl: `curl ${baseUrl}/chat/completions \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer ${apiKey}" \\
  -d '{
    "model": "GLM-4-Air",
    "messages": [
      {"role": "system", "content": "你是一个智能助手"},
      {"role": "user", "content": "请介绍一下智谱AI"}
    ],
    "temperature": 0.7
  }'`,
    python: `from openai import OpenAI

client = OpenAI(
    api_key="${apiKey}",
    base_url="${baseUrl}"
)

response = client.chat.completions.create(
    model="GLM-4-Air",
    messages=[
        {"role": "system", "content": "你是一个智能助手"},
        {"role": "user", "content": "请介绍一下智谱AI"}
    ],
    temperature=0.7,
    stream=False
)

print(response.choices[0].message.content)`,
    javascript: `import OpenAI from 'openai';

const client = new OpenAI({
  apiKey: '${apiKey}',
  baseURL: '${baseUrl}'
});

async function chat() {
  const response = await client.chat.completions.create({
    model: 'GLM-4-Air',
    messages: [
      { role: 'system', content: '你是一个智能助手' },
      { role: 'user', content: '请介绍一下智谱AI' }
    ],
    temperature: 0.7,
    stream: false
  });

  console.log(response.choices[0].message.content);
}

chat();`,
  };
}
