"""Facts for the documents benchmark's recall test, written here from public-domain sources.

Each fact is paraphrased from long-public knowledge (19th-century encyclopaedias, public
domain histories and almanacs); each question asks for it in other words, and *key* is a
string only the passage with the answer contains.
"""

from __future__ import annotations

# (document, passage)
PASSAGES: tuple[tuple[str, str], ...] = (
    (
        "geography",
        "Mount Everest, on the border of Nepal and Tibet, rises about 8,849 metres "
        "above sea level, the highest summit on Earth.",
    ),
    (
        "geography",
        "The Nile flows north through eleven countries and empties into the "
        "Mediterranean Sea through a broad delta near Alexandria.",
    ),
    (
        "geography",
        "Lake Baikal in Siberia is the deepest lake in the world, reaching "
        "roughly 1,642 metres, and holds about a fifth of the planet's unfrozen fresh water.",
    ),
    (
        "geography",
        "The Sahara covers much of North Africa and is the largest hot desert, "
        "spanning about nine million square kilometres.",
    ),
    (
        "geography",
        "Iceland sits on the Mid-Atlantic Ridge, where the North American and "
        "Eurasian plates drift apart, which is why it has many volcanoes and geysers.",
    ),
    (
        "geography",
        "The Amazon basin in South America holds the largest tropical rainforest; "
        "its river carries more water to the sea than any other.",
    ),
    (
        "history",
        "In 1831 Charles Darwin sailed aboard HMS Beagle on a five-year survey voyage "
        "that took him to the Galapagos Islands.",
    ),
    (
        "history",
        "Johannes Gutenberg of Mainz introduced printing with movable metal type in "
        "Europe around 1450; his Bible was completed about 1455.",
    ),
    (
        "history",
        "The Magna Carta was sealed by King John at Runnymede in June 1215, limiting "
        "the power of the English crown.",
    ),
    (
        "history",
        "The first successful transatlantic telegraph cable was completed in 1858, "
        "though it failed after about three weeks of service.",
    ),
    (
        "history",
        "Construction of the Suez Canal, linking the Mediterranean with the Red Sea, "
        "was finished in 1869 under Ferdinand de Lesseps.",
    ),
    (
        "history",
        "The Great Fire of London began in a bakery on Pudding Lane in September "
        "1666 and burned for four days.",
    ),
    (
        "science",
        "Water boils at 100 degrees Celsius at sea-level pressure; on a high mountain, "
        "where the air is thinner, it boils at a lower temperature.",
    ),
    ("science", "Light from the Sun takes a little over eight minutes to reach the Earth."),
    (
        "science",
        "Marie Curie was the first person to win Nobel Prizes in two different "
        "sciences, physics in 1903 and chemistry in 1911.",
    ),
    (
        "science",
        "Dmitri Mendeleev published a periodic table in 1869 that left gaps for "
        "elements not yet discovered, such as gallium and germanium.",
    ),
    (
        "science",
        "Honey bees tell their hive-mates where flowers are by a waggle dance whose "
        "angle shows the direction relative to the sun.",
    ),
    (
        "science",
        "The human heart has four chambers: two atria that receive blood and two "
        "ventricles that pump it out.",
    ),
    (
        "science",
        "Edward Jenner tested the first smallpox vaccine in 1796, using material from "
        "cowpox sores.",
    ),
    (
        "literature",
        "Jane Austen's novel Pride and Prejudice appeared in 1813; its heroine "
        "Elizabeth Bennet at first dislikes the proud Mr Darcy.",
    ),
    (
        "literature",
        "Herman Melville's Moby-Dick tells of Captain Ahab's obsessive hunt for a "
        "white whale; the narrator asks to be called Ishmael.",
    ),
    (
        "literature",
        "Mary Shelley wrote Frankenstein during a rainy summer at Lake Geneva in "
        "1816, after Lord Byron proposed a ghost-story contest.",
    ),
    (
        "literature",
        "The Odyssey, attributed to Homer, follows Odysseus on his ten-year journey "
        "home to Ithaca after the Trojan War.",
    ),
    (
        "literature",
        "Don Quixote, by Miguel de Cervantes, mocks chivalric romances through a "
        "Spanish gentleman who tilts at windmills he takes for giants.",
    ),
    (
        "household",
        "To remove a red wine stain, blot it, cover it with salt or baking soda, "
        "then rinse the fabric in cold water.",
    ),
    (
        "household",
        "Cast-iron pans should be dried straight after washing and rubbed with a "
        "thin coat of oil so that they do not rust.",
    ),
    (
        "household",
        "Bread dough has risen enough when a floured fingertip pressed into it "
        "leaves a dent that springs back slowly.",
    ),
    (
        "household",
        "A dripping tap is usually fixed by replacing the worn rubber washer inside "
        "the valve after shutting off the water supply.",
    ),
    (
        "household",
        "Houseplants in winter need less water, since they grow slowly when the days are short.",
    ),
    (
        "household",
        "Storing potatoes in a cool dark place keeps them from turning green and sprouting.",
    ),
    (
        "house-rules",
        "Tenants must give at least sixty days written notice to the landlord before "
        "moving out of the flat.",
    ),
    (
        "house-rules",
        "Cats and small dogs are allowed in the building, but each tenant may keep at most "
        "two pets.",
    ),
    (
        "office-policy",
        "Expense claims are paid only with the original receipt attached, and must be "
        "submitted within thirty days of the purchase.",
    ),
    (
        "office-policy",
        "Visitors must sign in at the front desk and wear a visitor badge at all times "
        "while on site.",
    ),
    (
        "shop-terms",
        "Refunds are given for unopened items returned within fourteen days of delivery; "
        "opened items can only be exchanged.",
    ),
)

# (question, key string found only in the answering passage)
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How tall is the world's highest mountain?", "8,849"),
    ("Where does Africa's longest river reach the sea?", "Alexandria"),
    ("Which lake has the greatest depth?", "Baikal"),
    ("What is the biggest hot desert?", "Sahara"),
    ("Why does Iceland have so many volcanoes?", "Mid-Atlantic Ridge"),
    ("Which river discharges the most water into the ocean?", "Amazon basin"),
    ("On which ship did Darwin travel to the Galapagos?", "Beagle"),
    ("When was the Gutenberg Bible finished?", "1455"),
    ("Where did King John agree to the Magna Carta?", "Runnymede"),
    ("How long did the first telegraph line under the Atlantic work?", "three weeks"),
    ("Who led the building of the canal between the Mediterranean and the Red Sea?", "Lesseps"),
    ("Where did the 1666 London fire start?", "Pudding Lane"),
    ("Why do eggs take longer to cook at high altitude?", "boils at a lower temperature"),
    ("How long does sunlight need to get to our planet?", "eight minutes"),
    ("Who won Nobel prizes in both physics and chemistry?", "Marie Curie"),
    ("Which elements did the periodic table predict before they were found?", "gallium"),
    ("How do bees show each other where food is?", "waggle dance"),
    ("How many chambers does the heart have?", "four chambers"),
    ("Who made the first vaccine against smallpox?", "Jenner"),
    ("Who is the heroine of Pride and Prejudice?", "Elizabeth Bennet"),
    ("What is the name of the narrator of Moby-Dick?", "Ishmael"),
    ("What inspired Mary Shelley to write Frankenstein?", "ghost-story contest"),
    ("Which island was Odysseus trying to get home to?", "Ithaca"),
    ("Which knight attacks windmills thinking they are giants?", "Cervantes"),
    ("How do I get spilled wine out of a tablecloth?", "red wine stain"),
    ("How do I keep my iron skillet from rusting?", "Cast-iron"),
    ("How can I tell that my dough is ready to bake?", "springs back"),
    ("My faucet keeps leaking, what should I replace?", "washer"),
    ("Should I water indoor plants less in winter?", "Houseplants"),
    ("Where is the best place to keep potatoes?", "cool dark place"),
)

# Yes/no questions about a rule: the answer must quote the rule, not contradict it.
RULE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("Do I have to tell the landlord before I move out?", "sixty days written notice"),
    ("Am I allowed to keep a cat in my flat?", "at most two pets"),
    ("Can I get an expense claim paid without the receipt?", "original receipt"),
    ("Do visitors have to wear a badge?", "wear a visitor badge"),
    ("Can I get my money back for an opened item?", "only be exchanged"),
)

# The answer check: questions whose written answer must hold (or quote) the key phrase.
ANSWER_QUESTIONS: tuple[tuple[str, str], ...] = QUESTIONS[:15] + RULE_QUESTIONS
