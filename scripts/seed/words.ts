/**
 * Vocabulary for the demo data, as `|`-separated text (Prettier would put one
 * array item per line). ASCII only, no tabs or backslashes: the rows go through
 * COPY's text format.
 */

const list = (text: string): readonly string[] =>
  text
    .split('|')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

export const FIRST_NAMES = list(`
  Ada | Alan | Grace | Linus | Margaret | Dennis | Barbara | Ken | Frances | Edsger | Radia |
  Donald | Katherine | John | Hedy | Tim | Joan | Guido | Sophie | Bjarne | Anita | Niklaus |
  Annie | James | Mary | Brian | Karen | Rob | Lynn | Leslie | Shafi | Silvio | Carol |
  Robert | Evelyn | Thomas | Jean | Michael | Susan | David | Elena | Marco | Yuki | Hiro |
  Priya | Arjun | Fatima | Omar | Lena | Jonas | Sofia | Mateo | Chloe | Lucas | Amara | Kofi |
  Ingrid | Lars | Mei | Wei | Olga | Ivan | Camille | Hugo | Zara | Noah | Aisha | Ravi |
  Nora | Emil | Clara | Felix | Maya | Leo | Isla | Theo | Alma | Oscar | Vera | Axel | Rosa |
  Diego | Hana | Kenji | Leila | Samir | Tara | Finn | Greta | Pablo | Iris | Malik | Ines |
  Tomas | Anya | Kai | Mila | Rafael | Selma | Victor | Ruth | Paul | Alice | Bob | Eve |
  Frank | Helen | Peter | Julia | Mark | Laura | Chris | Nina | Sam | Kate | Ben | Amy | Dan |
  Zoe | Max
`);

export const LAST_NAMES = list(`
  Lovelace | Turing | Hopper | Torvalds | Hamilton | Ritchie | Liskov | Thompson | Allen |
  Dijkstra | Perlman | Knuth | Johnson | McCarthy | Lamarr | Berners | Clarke | Rossum |
  Wilson | Stroustrup | Borg | Wirth | Easley | Gosling | Keller | Kernighan | Jones | Pike |
  Conway | Lamport | Goldwasser | Micali | Shaw | Floyd | Berezin | Kurtz | Sammet |
  Stonebraker | Kare | Patterson | Rossi | Bianchi | Tanaka | Sato | Sharma | Patel | Khan |
  Haddad | Schmidt | Weber | Garcia | Lopez | Martin | Bernard | Okafor | Mensah | Larsen |
  Nilsson | Chen | Wang | Petrova | Ivanov | Dubois | Moreau | Ahmed | Novak | Silva | Santos |
  Kim | Park | Nguyen | Tran | Murphy | Kelly | Fischer | Wagner | Costa | Ferreira | Jansen |
  Visser | Horvat | Kowalski | Nowak | Popescu | Yilmaz | Demir | Cohen | Levi | Mwangi |
  Otieno | Suzuki | Ito | Reyes | Cruz | Morales | Ortiz | Baker | Carter | Evans | Hughes |
  Price | Reed | Ward | Brooks | Gray | Hayes | Ross
`);

/** Reserved example domains (RFC 2606), so no seeded address reaches a real mailbox. */
export const EMAIL_DOMAINS = list(`
  example.com | example.org | example.net | mail.example.com | dev.example.org
`);

export const CITIES = list(`
  London | Berlin | Paris | Lisbon | Madrid | Rome | Amsterdam | Stockholm | Oslo | Helsinki |
  Warsaw | Prague | Vienna | Zurich | Dublin | Edinburgh | Athens | Istanbul | Cairo | Lagos |
  Nairobi | Cape Town | Mumbai | Bangalore | Singapore | Tokyo | Osaka | Seoul | Taipei |
  Sydney | Melbourne | Auckland | Toronto | Montreal | Vancouver | Seattle | San Francisco |
  Austin | Chicago | New York | Boston | Mexico City | Bogota | Lima | Santiago |
  Buenos Aires | Sao Paulo
`);

export const ROLES = list(`
  Backend engineer | Frontend developer | Site reliability engineer | Data engineer |
  Database administrator | Engineering manager | Security researcher | Student | Indie hacker |
  Open source maintainer | Technical writer | Product designer | Platform engineer |
  Mobile developer | ML engineer | CTO | Freelance consultant | QA engineer |
  Developer advocate | Researcher
`);

export const COMPANIES = list(`
  a small startup | a big bank | a logistics company | a game studio | a hospital |
  a university | a newspaper | an online shop | a public agency | a fintech |
  a climate nonprofit | a travel site | a telecom | a robotics lab | a music service
`);

export const INTERESTS = list(`
  distributed systems | query planners | type systems | compilers | accessibility |
  observability | functional programming | mechanical keyboards | home labs |
  performance tuning | developer tooling | data modelling | API design | testing |
  open source | security | retro computing | teaching | writing | photography | climbing |
  coffee | chess | running | gardening
`);

/** Tag names, most popular first (the seed links posts to the first ones more often). */
export const TAGS = list(`
  javascript | typescript | python | postgres | webdev | rust | go | devops | nodejs | react |
  sql | linux | kubernetes | docker | security | testing | performance | career | beginners |
  architecture | java | csharp | cpp | kotlin | swift | ruby | php | elixir | haskell | scala |
  clojure | zig | css | html | vue | svelte | angular | nestjs | graphql | rest | api |
  microservices | cloud | aws | azure | gcp | terraform | ansible | git | opensource |
  productivity | machine-learning | data-science | databases | redis | kafka | mongodb |
  sqlite | mysql | algorithms | datastructures | compilers | wasm | embedded | iot |
  networking | observability | monitoring | logging | ci-cd | automation | shell | vim |
  emacs | vscode | design | ux | accessibility | mobile | android | ios | flutter | gamedev |
  graphics | audio | math | functional | oop | concurrency | async | caching | search |
  scalability | reliability | sre | incident-response | privacy | crypto | auth | oauth | jwt |
  web-performance | seo | startups | management | leadership | remote-work | hiring |
  interviews | education | tutorial | showdev | discuss | news | history | hardware |
  raspberry-pi | homelab | self-hosting | backup | storage | filesystems | kernels | unix |
  regex | parsing | type-systems | refactoring | code-review | documentation | legacy-code |
  migrations | orm | indexing | query-planning | replication | sharding | event-sourcing |
  cqrs | ddd | tdd | bdd | fuzzing | benchmarks
`);

export const TECH = list(`
  PostgreSQL | TypeScript | Rust | Go | Python | Kubernetes | Linux | React | Node.js |
  SQLite | Redis | Kafka | WebAssembly | Docker | GraphQL | Terraform | NestJS | Fastify |
  Elixir | Haskell | Zig | Nginx | systemd | Git | Vim
`);

export const NOUNS = list(`
  index | query | cache | deployment | migration | service | pipeline | schema | request |
  queue | worker | test suite | release | incident | dashboard | API | database | cluster |
  container | compiler | parser | feature flag | codebase | monolith | backlog | sprint |
  benchmark | load balancer | connection pool | transaction | lock | replica | build |
  dependency | config file | log line | trace | alert | runbook | design doc | pull request |
  code review | hot path | edge case | race condition | memory leak | timeout | retry loop |
  event loop | type checker | linter | team | on-call rotation | side project | prototype
`);

export const ADJECTIVES = list(`
  slow | fast | boring | surprising | flaky | robust | tiny | huge | legacy | modern | simple |
  clever | fragile | reliable | expensive | cheap | hidden | obvious | forgotten | critical |
  pragmatic | elegant | messy | distributed | concurrent | immutable | typed | untested |
  well-tested | self-hosted | serverless | stateless | stateful | idempotent | lazy | eager |
  accidental | deliberate
`);

export const VERBS = list(`
  breaks | fixes | slows down | speeds up | replaces | hides | exposes | simplifies |
  complicates | outlives | depends on | ignores | duplicates | protects | tests | documents |
  deadlocks with | competes with | feeds | watches | outgrows | shapes
`);

export const VERBS_PAST = list(`
  rewrote | migrated | scaled | debugged | deleted | simplified | tested | measured | shipped |
  replaced | split | merged | profiled | tamed | documented | sharded
`);

export const OPENERS = list(`
  In practice, | Surprisingly, | Last week, | In my experience, | At scale, |
  Most of the time, | On a good day, | Under load, | Honestly, | For small teams, |
  Once again, | In production, | After a year, | By default,
`);

export const TAILS = list(`
  in production | under load | for most teams | when nobody is looking | on Friday afternoons |
  after every release | if you let it | at three in the morning | without a single test |
  more than we expected | in ways the docs never mention | once the traffic grows |
  until someone reads the logs | faster than we could react
`);

export const TITLE_PATTERNS = list(`
  How we {verbPast} our {noun} | Notes on {adjective} {nouns} |
  Why {adjective} {nouns} {verbBase} your {noun} | A {adjective} guide to {tech} |
  {tech} and the {adjective} {noun} | What I learned from a {adjective} {noun} |
  The case against {adjective} {nouns} | Understanding {tech} {nouns} |
  {n} lessons from a {adjective} {noun} | Stop writing {adjective} {nouns} |
  Is your {noun} too {adjective}? | We {verbPast} a {noun} with {tech} |
  {tech} in production: the {adjective} parts | Debugging a {adjective} {noun} in {tech} |
  When the {noun} {verb} the {noun} | A year of {tech}: {n} {adjective} surprises
`);

export const COMMENT_OPENERS = list(`
  Great post. | Thanks for writing this up. | Interesting. | I disagree a little: |
  This matches what we saw. | Bookmarked. | Small nit: | Could you share the numbers? |
  We tried this last year. | Nice write-up!
`);

export const REPLY_OPENERS = list(`
  Agreed. | Good point, but | Thanks! | Fair, although | Exactly this. | Not quite: |
  Same here. | Yes, and | Hmm, | Ha,
`);
