"""Hostile texts for bench/adversarial.sh: each pattern at about N characters, one
JSON Lines record per pattern ("news" repeats the bundled or shared wire article)."""
import json, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
_news = [os.path.join(HERE, "..", "..", "shared", "examples", "wire-article.txt"),
         os.path.join(HERE, "..", "tests", "fixtures", "articles.jsonl")]
if os.path.exists(_news[0]):
    NEWS = open(_news[0]).read()
else:
    NEWS = "\n\n".join(json.loads(l)["text"] for l in open(_news[1]) if l.strip())
random.seed(1)
N = int(sys.argv[1])  # target chars
def names(k):
    syl = ["ka","lo","mi","ra","ton","vel","sur","din","bre","qua","zel","po","nik","ash","ter"]
    out=[]
    for i in range(k):
        w = "".join(random.choice(syl) for _ in range(3)).capitalize()
        out.append(w)
    return out
pats = {
 "he": lambda n: " he"*(n//3),
 "they": lambda n: " they"*(n//5),
 "it": lambda n: " it"*(n//3),
 "who": lambda n: "Smith, who"*(n//10),
 "minister": lambda n: " ".join(f"Minister {a} {b} said. The minister said." for a,b in zip(names(n//40), names(n//40))),
 "distinct_names": lambda n: " ".join(f"{a} {b} said." for a,b in zip(names(n//20), names(n//20))),
 "names_one_sentence": lambda n: " ".join(f"{a} {b}," for a,b in zip(names(n//16), names(n//16))),
 "quotes": lambda n: '"'*n,
 "quote_said": lambda n: '"a," he said, "b' * (n//15),
 "said": lambda n: " said"*(n//5),
 "according": lambda n: " according to"*(n//13),
 "words": lambda n: " ".join(random.choice(["the","minister","said","that","Smith","officials","report","on","Monday","he","she"]) for _ in range(n//6)),
 "caps": lambda n: " ".join(w for w in names(n//8)),
 "newlines": lambda n: "\n"*n,
 "dots": lambda n: ". "*(n//2),
 "the_company": lambda n: " ".join(f"{a} Inc said. The company said." for a in names(n//30)),
 "news": lambda n: (NEWS*(n//len(NEWS)+1))[:n],
}
which = sys.argv[2:] or list(pats)
for k in which:
    t = pats[k](N)
    print(json.dumps({"id":k,"text":t}))
