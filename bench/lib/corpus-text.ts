/** The text bench/corpus.ts builds conversations from: topic templates and rare sentences (slot values: corpus-slots.ts). */
import type { Lang } from "../corpus";

export { SLOTS } from "./corpus-slots";

export interface Topic {
  lang: Lang;
  weight: number;
  user: readonly string[];
  assistant: readonly string[];
  code?: readonly string[];
}

export const TOPICS: readonly Topic[] = [
  {
    lang: "en",
    weight: 5,
    user: [
      "How do I {task} in {lang}?",
      'My {lang} script throws "{error}" when I run it against the staging database. What am I doing wrong?',
      "Can you review this function and suggest improvements? It feels slow with {n} items.",
      "What's the difference between {tool} and {tool} for a small team?",
      "Write a {lang} function that can {task}.",
      "Why is my database query so slow when the table has {n} rows?",
      "Explain how indexes work in a SQL database and when they slow down writes.",
      'I keep getting "{error}" after upgrading {tool}. Any idea?',
      "How should I structure a {lang} project that uses {tool}?",
      "Is it a good idea to store sessions in the database or in {tool}?",
    ],
    assistant: [
      "The error means that {thing} is undefined at the point where you call it.",
      "A simpler approach is to use a map keyed by id, which turns each lookup into a constant-time operation.",
      "Add an index on the column you filter by; the database can then seek instead of scanning {n} rows.",
      "Here is a version that handles the edge cases you mentioned.",
      "Keep in mind that {lang} passes objects by reference, so changing the list inside the loop changes the caller's copy.",
      "If you insert many rows, wrap them in a single database transaction; it is usually {n} times faster.",
      "You can verify this with a quick unit test before you deploy it.",
      "Run the migration before the new code is deployed, otherwise the column will not exist yet.",
      "Check the logs of {tool} first: the real cause is usually printed a few lines above the stack trace.",
      "For a team of your size I would pick {tool}, mainly because the documentation is better and it is easy to hire for.",
      "The function is correct, but it allocates a new array on every iteration, which is what makes it slow.",
      "Connection pooling helps when each request opens a new database connection.",
      "Make sure the environment variable is set in the process that actually runs the server, not only in your shell.",
      "In short: measure first, then optimise the part that the profiler shows, not the part that looks slow.",
      "The query planner ignores the index because the column is wrapped in a function call.",
    ],
    code: [
      '```python\nimport csv\n\ndef load_rows(path):\n    with open(path, newline="") as f:\n        return [row for row in csv.DictReader(f) if row.get("id")]\n```',
      "```ts\nexport async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {\n  for (let i = 1; ; i++) {\n    try { return await fn(); } catch (e) { if (i >= attempts) throw e; }\n    await new Promise((r) => setTimeout(r, 200 * i));\n  }\n}\n```",
      "```sql\nCREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);\nSELECT id, total FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 20;\n```",
      "```bash\ndocker compose up -d db\ndocker compose logs -f --tail=100 api\n```",
      "```js\nconst debounce = (fn, ms) => {\n  let t;\n  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };\n};\n```",
      "```go\nfunc dedupe(xs []string) []string {\n\tseen := map[string]bool{}\n\tout := xs[:0]\n\tfor _, x := range xs {\n\t\tif !seen[x] { seen[x] = true; out = append(out, x) }\n\t}\n\treturn out\n}\n```",
    ],
  },
  {
    lang: "en",
    weight: 2,
    user: [
      "What can I cook tonight with rice, eggs and some leftover vegetables?",
      "Give me a simple recipe for {food} for {n} people.",
      "How do I keep my {food} from getting soggy?",
      "Can I make {food} without an oven?",
      "Suggest a weekly meal plan that is cheap and mostly vegetarian.",
    ],
    assistant: [
      "Start by heating the pan properly; most soggy results come from a pan that is not hot enough.",
      "For {food}, you will need about 40 minutes in total, of which 15 are hands-on.",
      "Season at the end, after tasting, because the sauce reduces and gets saltier.",
      "If you do not have fresh herbs, a teaspoon of dried ones added early works fine.",
      "Leftovers keep for three days in the fridge in a closed container.",
      "A squeeze of lemon right before serving brightens the whole dish.",
      "You can swap the cream for yogurt, but add it off the heat so it does not split.",
    ],
  },
  {
    lang: "en",
    weight: 2,
    user: [
      "Plan a 4-day trip to {city} in spring on a moderate budget.",
      "What are the best neighbourhoods to stay in {city}?",
      "Is it easy to get from the airport to the centre of {city} by public transport?",
      "What should I pack for a week in {city} in November?",
      "Any day trips from {city} that are worth it?",
    ],
    assistant: [
      "Day one: arrive, walk the old town and have dinner near the river.",
      "Buy a transit card at the airport; it covers buses, trams and the metro.",
      "The best time to visit the museums is right after they open, before the tour groups arrive.",
      "Book the train to {city} a few weeks ahead; prices roughly double in the last week.",
      "Pack layers: mornings are cold, but afternoons can be surprisingly warm.",
      "Most restaurants close between lunch and dinner, so plan snacks for the afternoon.",
      "If you only have half a day, skip the tower and spend the time in the market instead.",
    ],
  },
  {
    lang: "en",
    weight: 2,
    user: [
      "Rewrite this email to sound more polite but still firm: the invoice is {n} days overdue.",
      "Help me write a cover letter for a junior developer position.",
      "Summarise the following text in three bullet points.",
      "Can you make this paragraph shorter and clearer?",
      "Write a short birthday message for my colleague {name}.",
      "Translate this into natural-sounding English for a business meeting.",
    ],
    assistant: [
      "Here is a more polite version that keeps the deadline clear.",
      "I removed the passive voice and moved the request to the first sentence.",
      "Dear {name}, thank you for your message; I am following up on the invoice we sent last month.",
      "- Main point: the project is on schedule.\n- Risk: the vendor contract ends in March.\n- Next step: agree on the budget by Friday.",
      'Keep the subject line short and specific, for example "Invoice 2041: payment reminder".',
      "Happy birthday, {name}! Thanks for all the help this year, and enjoy your day.",
      "The tone is fine, but the second paragraph repeats the first; I would cut it.",
    ],
  },
  {
    lang: "en",
    weight: 2,
    user: [
      "Explain the central limit theorem with an example.",
      "How do I compute the derivative of x^2 * sin(x)?",
      "What is the difference between mean and median, and when should I use each?",
      "Can you explain how compound interest works over {n} years?",
      "Help me understand big-O notation.",
      "How much should I save each month to reach an emergency fund of six months of expenses?",
    ],
    assistant: [
      "Use the product rule: the derivative is 2x sin(x) + x^2 cos(x).",
      "The median is more robust when a few values are extreme, such as incomes or house prices.",
      "With 5% interest compounded yearly, money roughly doubles in about 14 years.",
      "Big-O describes how the running time grows with the input size, ignoring constant factors.",
      "A practical rule is to save 10 to 20 percent of your income until the fund is complete.",
      "If you roll a die many times and average the results, the distribution of that average approaches a normal curve.",
      "Write the budget down first; the numbers are usually different from what people expect.",
    ],
  },
  {
    lang: "zh",
    weight: 3,
    user: [
      "怎么用{zhLang}连接数据库并执行查询？",
      "我的程序报错了，提示数据库被锁定，应该怎么排查？",
      "请帮我写一个{zhLang}函数，把列表按日期排序。",
      "{zhLang}和{zhLang}哪个更适合做后端开发？",
      "这个接口的响应太慢了，有什么优化的办法吗？",
      "如何给数据库表添加索引？索引会影响写入速度吗？",
      "帮我解释一下这段代码的作用。",
    ],
    assistant: [
      "这个错误通常是因为多个进程同时写入同一个数据库文件。",
      "你可以先在查询条件的列上建立索引，这样数据库就不需要扫描整张表。",
      "建议把批量插入放在一个事务里，速度会快很多。",
      "下面是一个简单的实现，包含了错误处理。",
      "首先检查日志，真正的原因通常在堆栈信息的上面几行。",
      "如果数据量不大，用{zhLang}自带的排序函数就足够了。",
      "接口变慢的常见原因包括没有索引、返回的数据太多以及没有使用缓存。",
      "这段代码先读取配置文件，然后根据用户的设置初始化数据库连接。",
      "总的来说，先测量，再优化，不要凭感觉去改代码。",
      "函数的参数最好加上类型注解，这样更容易维护。",
    ],
  },
  {
    lang: "zh",
    weight: 2,
    user: [
      "五一假期想去{zhCity}旅行，有什么推荐的路线吗？",
      "去{zhCity}旅行三天，预算三千元够吗？",
      "{zhCity}有哪些值得一去的博物馆？",
      "第一次出国旅行需要准备哪些东西？",
      "从{zhCity}到{zhCity}坐高铁要多久？",
    ],
    assistant: [
      "第一天可以先逛老城区，晚上去夜市尝尝当地小吃。",
      "建议提前一周预订酒店，节假日价格会上涨不少。",
      "{zhCity}的地铁很方便，买一张交通卡就可以坐公交和地铁。",
      "旅行的时候记得带好身份证和充电宝。",
      "博物馆周一通常闭馆，安排行程时要注意。",
      "如果时间充裕，可以安排一天去周边的古镇看看。",
    ],
  },
  {
    lang: "zh",
    weight: 2,
    user: [
      "{zhFood}怎么做才好吃？",
      "今天晚上想做{zhFood}，需要准备哪些材料？",
      "有没有适合上班族的快手菜推荐？",
      "怎样学习一门新的编程语言比较高效？",
      "帮我写一份周报，主要内容是完成了登录功能的开发。",
      "如何提高工作效率，减少拖延？",
    ],
    assistant: [
      "做{zhFood}的关键是火候，先大火再转小火慢炖。",
      "材料：五花肉、生抽、老抽、冰糖、姜片和葱段。",
      "快手菜可以试试番茄炒蛋，十分钟就能做好。",
      "学习新语言最好的方法是做一个小项目，边做边查资料。",
      "本周完成了登录功能的开发和测试，下周计划开始做用户设置页面。",
      "可以试试番茄工作法，每工作二十五分钟休息五分钟。",
      "每天睡前花十分钟整理第二天的计划，会让工作更有条理。",
    ],
  },
  {
    lang: "ja",
    weight: 2,
    user: [
      "{lang}でデータベースに接続する方法を教えてください。",
      "このエラーの原因がわかりません。データベースがロックされていると表示されます。",
      "関数の書き方をもっときれいにできますか？",
      "テストコードはどのように書けばいいですか？",
      "インデックスを追加すると書き込みが遅くなるのはなぜですか？",
      "このコードのレビューをお願いします。",
    ],
    assistant: [
      "このエラーは、複数のプロセスが同時に同じデータベースファイルに書き込もうとすると発生します。",
      "検索条件に使う列にインデックスを作成すると、テーブル全体をスキャンせずに済みます。",
      "大量のデータを挿入する場合は、一つのトランザクションにまとめると速くなります。",
      "以下は、エラー処理を含めたシンプルな実装です。",
      "まずはログを確認してください。本当の原因はスタックトレースの数行上に書かれていることが多いです。",
      "関数を小さく分けると、テストが書きやすくなります。",
      "全体的には問題ありませんが、変数名をもう少しわかりやすくするとよいと思います。",
    ],
  },
  {
    lang: "ja",
    weight: 2,
    user: [
      "{jaCity}に三泊四日で旅行に行きます。おすすめのルートはありますか？",
      "{jaCity}でおいしい{jaFood}のお店を知りたいです。",
      "簡単な{jaFood}の作り方を教えてください。",
      "日本語のメールで、会議の日程を変更してもらうお願いを書きたいです。",
      "仕事のモチベーションを保つコツはありますか？",
      "週末に{jaCity}から日帰りで行ける場所はどこですか？",
    ],
    assistant: [
      "一日目は駅の周辺を散策して、夜は地元の居酒屋に行くのがおすすめです。",
      "{jaFood}は、材料を切ってから煮込むまで三十分ほどでできます。",
      "お世話になっております。大変恐縮ですが、会議の日程を変更していただけないでしょうか。",
      "交通系ICカードを買っておくと、電車もバスも便利に使えます。",
      "人気のお店は予約が必要なので、早めに電話しておくと安心です。",
      "小さな目標を毎日決めて、達成したら記録するとモチベーションが続きやすいです。",
      "旅行の際は、雨具と歩きやすい靴を忘れないようにしましょう。",
    ],
  },
];

/** Added now and then to make a few terms rare (queries for them should find only a handful of conversations). */
export const RARE: Record<Lang, { p: number; text: string }[]> = {
  en: [
    {
      p: 0.0003,
      text: "For the mesh, a Voronoi diagram of the sample points gives you the nearest-site regions directly.",
    },
  ],
  zh: [{ p: 0.0015, text: "如果你对量子计算感兴趣，可以先从量子比特和叠加态这些基本概念开始。" }],
  ja: [{ p: 0.0015, text: "量子コンピュータの基本は、量子ビットと重ね合わせの考え方です。" }],
};
