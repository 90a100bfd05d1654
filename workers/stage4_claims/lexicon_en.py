"""English words and patterns for claims (lowercased, normalised text; see masking.py).

Pattern macros, expanded by patterns.py: {M} a settlement mention (its placeholder),
{F} the words allowed between a verb and the place it governs ("the key town of"),
{Q} an optional quote mark, {NP} an optional troops phrase ("its troops"),
{WD} the withdrawal verbs and nouns. Every trigger pattern names the trigger word `t`.
"""

_WITHDRAW = (
    r"withdr(?:ew|awn|aw|aws|awing)|retreat(?:ed|s|ing)?|pull(?:ed|s|ing)?(?:\s+(?:back|out))?"
    r"|fled|flee(?:s|ing)?|mov(?:ed|es|e|ing)\s+out|exit(?:ed|s|ing)?|withdrawal|pull-?back|pull-?out"
    r"|retreat|exit|departure"
)
_AREA = (
    r"(?:the\s+|its\s+)?(?:[\w-]+\s+){0,2}?(?:outskirts|edges?|areas?|vicinity|environs|suburbs|approaches"
    r"|surroundings|positions|villages|heights|countryside|region|district)\s+"
    r"(?:(?:just\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of"
    r"|around|near|outside|of)"
)
_PARTS = (
    r"(?:the\s+|a\s+|one\s+|some\s+|several\s+|two\s+|three\s+|parts\s+of\s+the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:district|districts|part|parts|neighbou?rhoods?|quarters?|half|side|microdistricts?"
    r"|industrial\s+zone|sectors?|blocks|bank)\s+of"
)
_PASSIVE_AUX = (
    r"(?:\s*,[^,]{1,80},)?(?:\s+(?:has|have|had|now|also|fully|completely|finally|officially|effectively"
    r"|already|just|reportedly|totally|entirely|largely|all|almost|virtually|again|since))*"
    r"\s+(?:been|was|were|is|are|being|be)(?:\s+(?:now|also|fully|completely|finally|officially"
    r"|effectively|already|just|reportedly|totally|entirely|largely|once\s+again|again))*\s+{Q}"
)

# "in the Donetsk People's Republic" between a place and its passive verb
_PLACE_TAIL = r"(?:\s+in\s+the\s+(?:[\w'-]+\s+){0,3}?(?:region|oblast|republic))?"

TRIGGERS: tuple[tuple[str, str], ...] = (
    # taking a place
    ("recapture", r"\b(?P<t>recaptur(?:ed|es|e|ing)|ret(?:ook|aken|akes|ake|aking)|regain(?:ed|s|ing)?"
                  r"|reclaim(?:ed|s|ing)?|t(?:ook|aken|akes|ake|aking)\s+back|w(?:on|in|ins)\s+back)\s+{F}{M}"),
    ("liberation", r"\b(?P<t>liberat(?:ed|es|e|ing)|freed|frees|freeing|de-?occupied|cleared)\s+{Q}{F}{M}"),
    ("capture", r"\b(?P<t>captur(?:ed|es|e|ing)|seiz(?:ed|es|e|ing)|t(?:ook|aken|akes|ake|aking)(?:\s+over)?"
                r"|overr(?:an|un|uns|unning)|conquer(?:ed|s|ing)?)\s+{Q}{F}{M}"),
    ("occupation", r"\b(?P<t>occup(?:ied|ies|y|ying))\s+{F}{M}"),
    ("recapture", r"\b(?P<t>(?:regain(?:ed|s|ing)?|retak(?:en|es|e|ing)|retook|restor(?:ed|es|e|ing)|re-?establish(?:ed|es|ing)?)"
                  r"\s+(?:full\s+|complete\s+)?control)\s+(?:of|over)\s+{F}{M}"),
    ("recapture", r"\b(?P<t>(?:brought|brings|bring|bringing)\s+{M}\s+back\s+under\s+(?:full\s+)?(?P<side>ukrainian|russian"
                  r"|ukraine's|russia's|our|its|their)\s+control)"),
    ("control", r"\b(?P<t>control(?:s|led)?|t(?:ook|aken|akes|ake|aking)\s+charge\s+of)\s+{F}{M}"),
    ("control", r"\b(?P<t>(?:declar(?:ed|es|e|ing)|claim(?:ed|s|ing)?|announc(?:ed|es|e|ing))\s+(?:full\s+|complete\s+"
                r"|total\s+)?victory)\s+(?:in|over|at)\s+{F}{M}"),
    ("control", r"\b(?P<t>(?:t(?:ook|aken|akes|ake|aking)|gain(?:ed|s|ing)?|establish(?:ed|es|ing)?|claim(?:ed|s|ing)?"
                r"|seiz(?:ed|es|e|ing)|assum(?:ed|es|e|ing)|ha(?:ve|s|d)|(?:are|is|were|was)\s+in|in|declar(?:ed|es|e|ing)"
                r"|announc(?:ed|es|e|ing)|assert(?:ed|s|ing)?|established|secur(?:ed|es|e|ing)|consolidat(?:ed|es|e|ing))"
                r"\s+(?:full\s+|complete\s+|total\s+|effective\s+)?control)\s+(?:of|over)\s+{F}{M}"),
    ("control", r"\b(?P<t>(?:control(?:s|led)?|hold(?:s)?|held|occup(?:y|ies|ied))\s+(?:all\s+of|the\s+whole\s+of"
                r"|the\s+entire(?:ty)?(?:\s+of)?|the\s+whole))\s+{F}{M}"),
    ("liberation", r"\b(?P<t>liberation|de-?occupation)\s+of\s+{F}{M}"),
    ("recapture", r"\b(?P<t>recapture|retaking)\s+of\s+{F}{M}"),
    ("capture", r"\b(?P<t>capture|seizure|fall|taking|conquest)\s+of\s+{F}{M}"),
    ("occupation", r"\b(?P<t>occupation)\s+of\s+{F}{M}"),
    ("liberation", r"{M}'s\s+(?P<t>liberation)\b"),
    ("capture", r"{M}'s\s+(?P<t>fall|capture|seizure)\b"),
    # the place as the object of a relative clause ("Marinka, which Russian forces captured on Monday")
    ("capture", r"{M}\s*,?\s+(?P<rel>which|that)\s+(?:[\w'-]+\s+){1,4}?(?:had\s+|have\s+|has\s+)?"
                r"(?P<t>captured|seized|took|taken|overran|conquered)\b"),
    ("occupation", r"{M}\s*,?\s+(?P<rel>which|that)\s+(?:[\w'-]+\s+){1,4}?(?:had\s+|have\s+|has\s+)?(?P<t>occupied)\b"),
    ("liberation", r"{M}\s*,?\s+(?P<rel>which|that)\s+(?:[\w'-]+\s+){1,4}?(?:had\s+|have\s+|has\s+)?"
                   r"(?P<t>liberated|freed|recaptured|retook|retaken)\b"),
    ("withdrawal", r"{M}\s*,?\s+(?P<rel>which|that)\s+(?:[\w'-]+\s+){1,4}?(?:had\s+|have\s+|has\s+)?"
                   r"(?P<t>abandoned|left|lost|ceded|surrendered|vacated)\b"),
    ("entry", r"{M}\s*,?\s+(?P<rel>which|that)\s+(?:[\w'-]+\s+){1,4}?(?:had\s+|have\s+|has\s+)?(?P<t>entered)\b"),
    # the place as the subject of a passive or of "fell"
    ("liberation", r"{M}" + _PASSIVE_AUX + r"(?P<t>liberated|freed|de-?occupied|cleared)\b"),
    ("recapture", r"{M}" + _PASSIVE_AUX + r"(?P<t>recaptured|retaken|taken\s+back|won\s+back)\b"),
    ("capture", r"{M}" + _PASSIVE_AUX + r"(?P<t>captured|seized|taken|overrun|conquered)\b(?!\s+back)"),
    ("occupation", r"{M}" + _PASSIVE_AUX + r"(?P<t>occupied)\b"),
    ("entry", r"{M}" + _PASSIVE_AUX + r"(?P<t>entered|infiltrated)\b"),
    ("withdrawal", r"{M}" + _PASSIVE_AUX + r"(?P<t>abandoned|lost|ceded|surrendered|given\s+up)\b"),
    ("capture", r"{M}(?:\s+(?:has|had|have|now|finally|effectively|also|reportedly))*\s+(?P<t>fallen|fell|falls)\b"
                r"(?!\s+(?:silent|quiet|short|back|apart|ill|asleep))"),
    ("control", r"{M}(?:\s+(?:is|was|are|has\s+been|remains|remained|now|once\s+again|again|back|firmly|fully"
                r"|completely|returning|returned|brought|come|came|is\s+returning))*\s+(?:in|under|to)\s+"
                r"(?:full\s+|complete\s+)?(?P<t>(?P<side>ukrainian|russian|ukraine's|russia's)\s+(?:control|hands))"),
    ("control", r"{M}" + _PLACE_TAIL + _PASSIVE_AUX + r"(?P<t>(?:taken|brought|placed)\s+(?:back\s+)?under\s+(?:full\s+"
                r"|complete\s+|total\s+)?control)\b"),
    ("control", r"\b(?P<t>t(?:ook|aken|akes|ake|aking))\s+{M}\s+under\s+(?:full\s+|complete\s+)?control\b"),
    ("control", r"{M}(?:\s+(?:is|was|are|were|remains|remained|has\s+been|now|still|firmly|fully|completely|back|again"
                r"|once\s+again|entirely))*\s+(?:under|in)\s+(?:the\s+)?(?:full\s+|complete\s+)?(?P<t>control\s+of\s+(?:the\s+)?"
                r"(?P<side>ukraine's|ukrainian|russia's|russian|the\s+enemy|enemy)(?:\s+[\w'-]+){0,2}?\s+(?:forces|troops"
                r"|army|military|units|defenders|occupiers))"),
    ("control", r"{M}\s+(?:is|was)\s+(?:now\s+)?(?:once\s+again\s+|again\s+|back\s+)?"
                r"(?P<t>(?P<side>ukrainian|russian))(?:\s+again)?\s*(?=[.,;:!-]|$)"),
    # partly held
    ("partial_control", r"\b(?P<t>hold(?:s|ing)?|held|control(?:s|led|ling)?|occup(?:y|ies|ied|ying))\s+"
                        r"(?:(?:about|around|roughly|nearly|almost|some|over|more\s+than|less\s+than|only)\s+)?"
                        r"(?:most|much|part|parts|half|some|large\s+parts|a\s+(?:third|quarter|half|large\s+part|part"
                        r"|small\s+part)|two-thirds|(?:about\s+|around\s+|roughly\s+|nearly\s+|over\s+|almost\s+"
                        r"|more\s+than\s+)?\d+(?:\s*%|\s+per\s*cent))(?:\s+of\s+the\s+[\w-]+\s+(?:part|half"
                        r"|districts?|side|bank|neighbou?rhoods?))?\s+of\s+{F}{M}"),
    ("partial_control", r"\b(?P<t>captur(?:ed|es|e|ing)|seiz(?:ed|es|e|ing)|t(?:ook|aken|akes|ake)|occup(?:ied|ies|y|ying)"
                        r"|control(?:s|led)?|ent(?:ered|ers|er)|(?:g(?:ot|otten|et|ets|etting)|broke|broken|break|breaks|pushed"
                        r"|pushes|advanced|advances|moved|infiltrated|slipped|crept|made\s+it)\s+into)\s+(?:the\s+|a\s+|an\s+|one\s+"
                        r"|two\s+|several\s+)?"
                        r"(?:[\w-]+\s+){0,2}?(?:districts?|parts?|half|quarters?|neighbou?rhoods?|microdistricts?"
                        r"|industrial\s+zone)(?:\s+in\s+the\s+(?:north|south|east|west|centre|center)(?:ern)?)?\s+of\s+{F}{M}"),
    ("partial_control", r"{M}(?:\s+(?:is|was|are|remains|remained|still|now|has\s+been))*\s+(?P<t>(?:largely|mostly|partly"
                        r"|partially|half|largely)\s+(?:under|in)\s+(?:ukrainian|russian|ukraine's|russia's)\s+"
                        r"(?:control|hands))"),
    ("partial_control", r"\b(?P<t>(?:most|much|half|part|parts|large\s+parts|a\s+third|a\s+quarter|two-thirds|some"
                        r"|(?:about\s+|around\s+|roughly\s+|nearly\s+|over\s+|almost\s+)?\d+(?:\s*%|\s+per\s*cent))\s+of)"
                        r"\s+{F}{M}(?:'s(?:\s+[\w-]+){1,3}?)?\s+(?:is|are|was|were|remains?|now)\s+(?:now\s+|still\s+)?"
                        r"(?:under|in)\s+(?:ukrainian|russian|ukraine's|russia's)\s+(?:control|hands)"),
    ("partial_control", r"{M}(?:\s+(?:is|was|remains|remained|still|now))*\s+"
                        r"(?P<t>(?:partly|partially|half)[ -](?:held|controlled|occupied))"),
    ("partial_control", r"\b(?P<t>parts?\s+of)\s+{F}{M}(?:'s(?:\s+[\w-]+){1,3}?)?\s+(?:are|is|were|was|remain)\s+(?:still\s+|now\s+)?"
                        r"(?:held|controlled|occupied)\b"),
    ("partial_control", r"{M}(?:\s+[\w'-]+){0,4}?\s+(?:turned|turns|turning)\s+into\s+(?:a\s+)?(?P<t>gr[ae]y\s+zone)"),
    # holding positions inside the place: part of it held ("still hold several positions inside X")
    ("partial_control", r"\b(?P<t>(?:hold(?:s|ing)?|held|cling(?:s|ing)?\s+(?:on\s+)?to|clung\s+(?:on\s+)?to)\s+(?:on\s+to\s+)?"
                        r"(?:(?:a\s+few|several|some|their|its|the\s+last|a\s+strip\s+of|a\s+handful\s+of)\s+)?"
                        r"(?:positions?|blocks|buildings|streets|neighbou?rhoods))\s+(?:(?:in\s+the\s+(?:north|south|east|west"
                        r"|centre|center)(?:ern)?\s+(?:part\s+)?of|in(?:side)?)\s+)(?:the\s+(?:town|city|village)\s+of\s+)?"
                        r"{F}{M}"),
    ("partial_control", r"{M}(?:\s+(?:is|has|now|largely|mostly|effectively|become|been))*\s+(?:in\s+)?(?:a\s+|the\s+)?"
                        r"(?P<t>gr[ae]y\s+zone)"),
    ("partial_control", r"\b(?P<t>(?:partly|partially|half)[ -](?:held|controlled|occupied))\s+{F}{M}"),
    ("partial_control", r"\b(?P<t>{WD})\s+{NP}(?:back\s+|out\s+)?(?:from|out\s+of)\s+" + _PARTS + r"\s+{F}{M}"),
    # leaving a place
    ("area_withdrawal", r"\b(?P<t>{WD})\s+{NP}(?:back\s+|out\s+)?(?:from|out\s+of)\s+" + _AREA + r"\s+{F}{M}"),
    ("area_withdrawal", r"\b(?P<t>{WD})\s+{NP}(?:back\s+|out\s+)?(?:from|out\s+of)\s+(?:the\s+)?(?:area\s+)?"
                        r"around\s+{F}{M}"),
    ("withdrawal", r"\b(?P<t>{WD})\s+{NP}(?:back\s+|out\s+)?(?P<p>from|out\s+of)\s+{F}{M}"),
    ("withdrawal", r"\b(?P<t>{WD})\s+{NP}(?:back\s+|out\s+)?(?P<p>from|out\s+of)\s+[^,.;]{1,60}?,\s+including\s+{F}{M}"),
    ("withdrawal", r"\b(?P<t>evacuat(?:ed|es|e|ing)|evacuation)\s+(?:of\s+)?(?:the\s+|its\s+|their\s+|all\s+)?"
                   r"(?:russian\s+|ukrainian\s+)?(?:troops|forces|units|garrison|soldiers)\s+(?P<p>from|out\s+of)\s+{F}{M}"),
    ("withdrawal", r"\b(?P<t>push(?:ed|es|ing)?|dr(?:ove|iven|ive|ives|iving)|forc(?:ed|es|e|ing)|kick(?:ed|s|ing)?"
                   r"|chas(?:ed|es|e|ing)|thr(?:ew|own|ow|ows|owing)|oust(?:ed|s|ing)?|expell?(?:ed|s|ing)?"
                   r"|dislodg(?:ed|es|e|ing)|flush(?:ed|es|ing)?|knock(?:ed|s|ing)?|squeez(?:ed|es|e|ing))\s+(?:(?:the|all|remaining|last"
                   r"|russian|ukrainian|enemy|occupying|its|their)\s+)*(?:(?:troops|forces|units|soldiers|invaders|occupiers"
                   r"|russians|ukrainians|enemy|army|garrison)\s+)?(?:back\s+)?(?P<p>out\s+of|from)\s+{F}{M}"),
    ("withdrawal", r"\b(?P<t>left|leav(?:e|es|ing)|abandon(?:ed|s|ing)?|quit(?:s|ting)?|vacat(?:ed|es|e|ing)|fled"
                   r"|ced(?:ed|es|e|ing)|surrender(?:ed|s|ing)?|g(?:ave|ive|ives|iving|iven)\s+up|los(?:t|e|es|ing))"
                   r"\s+{F}{M}(?!\s+(?:in\s+(?:ruins|rubble|flames|darkness|tatters)|without\s+(?:power|water|electricity"
                   r"|heat\w*|gas|light|food|supplies|communications?)|devastated|destroyed"
                   r"|uninhabitable|behind|(?:in\s+)?(?:a|the)\s+(?:state|shambles)))"),
    ("withdrawal", r"\b(?P<t>loss)\s+of\s+{F}{M}"),
    ("withdrawal", r"\b(?P<t>(?:los(?:t|e|es|ing)|ced(?:ed|es|e|ing)|g(?:ave|ive|ives|iving|iven)\s+up|relinquish(?:ed|es)?)"
                   r"\s+(?:full\s+|all\s+)?control)\s+(?:of|over)\s+{F}{M}"),
    # getting in and fighting inside
    ("entry", r"\b(?P<t>enter(?:ed|s|ing)?|infiltrat(?:ed|es|e|ing)|penetrat(?:ed|es|e|ing))\s+{F}{M}"),
    ("entry", r"\b(?P<t>reach(?:ed|es|ing)?|got\s+to)\s+the\s+(?:(?:city|town|village)\s+)?(?:centre|center|heart)\s+of\s+{M}"),
    ("entry", r"\b(?P<t>presence)\s+of\s+(?:russian|ukrainian|enemy)\s+(?:troops|forces|units|soldiers|infantry|groups)"
              r"\s+in(?:side)?\s+{M}"),
    ("entry", r"\b(?P<t>(?:broke|broken|break|breaks|breaking|push(?:ed|es|ing)?|storm(?:ed|s|ing)?|burst(?:ing)?"
              r"|mov(?:ed|es|e|ing)|roll(?:ed|s|ing)?|advanc(?:ed|es|e|ing)|(?:forc(?:ed|es|e|ing)|fought|fight(?:s|ing)?"
              r"|ma(?:de|ke|kes|king))\s+(?:their|its|our|his)\s+way|ma(?:de|ke|kes|king)\s+it|g(?:ot|otten|et|ets|etting)"
              r"|crash(?:ed|es)?|swept|sweep(?:s|ing)?)\s+into)\s+{F}{M}"),
    ("entry", r"\b(?P<t>(?:g(?:ot|otten|et|ets|etting)|ma(?:de|ke|kes|king)\s+it)\s+inside)\s+{F}{M}"),
    ("entry", r"\b(?P<t>entry|incursion|break-?through)\s+(?:in)?to\s+{F}{M}"),
    ("street_fighting", r"\b(?P<t>street[- ](?:fighting|fights?|battles?|clashes|combat|warfare)|urban\s+(?:fighting"
                        r"|combat|warfare|battles?)|house-to-house\s+(?:fighting|combat|battles?))(?:\s+(?:rage[sd]?"
                        r"|raging|continu(?:e|es|ed|ing)|is|are|was|were|has|have|had|under\s*way|going\s+on|erupted"
                        r"|broke\s+out|now|still|taking\s+place|reported|flared|intensified)){0,3}\s+(?:in|inside|across"
                        r"|within|throughout)\s+(?:the\s+(?:centre|center|north|south|east|west|heart|middle)\s+of\s+)?"
                        r"{F}{M}"),
    ("street_fighting", r"\bin\s+{M},?\s+(?:[\w'-]+\s+){0,3}?(?P<t>street[- ](?:fighting|fights?|battles?|clashes))"),
    ("street_fighting", r"\b(?P<t>fighting|fight|fights|battles?|clashes|combat|firefights?|gunfights?)\s+(?:(?:is|are"
                        r"|was|were|has|have|now|still|continu\w+|going|on|raging|rage|underway|under\s+way|taking"
                        r"|place|moved|spread)\s+){0,4}(?:in|on|inside|across|within|throughout|into)\s+the\s+streets"
                        r"\s+of\s+{F}{M}"),
    ("street_fighting", r"\b(?P<t>street[- ](?:fighting|fights?|battles?|clashes|combat)|urban\s+(?:fighting|combat|battles?)"
                        r"|house-to-house\s+(?:fighting|battles?))\s+for\s+{F}{M}"),
    ("street_fighting", r"\b(?P<t>fight(?:ing|s)?|battl(?:ing|es?))\s+for\s+(?:every|each)\s+(?:street|house|block|building)"
                        r"\s+(?:in|of)\s+{F}{M}"),
    ("street_fighting", r"\b(?P<t>fighting|fight|fights|battles?|clashes|combat)\s+(?:(?:is|are|was|were|has|have"
                        r"|now|still|continu\w+|going|on|raging|underway|taking|place)\s+){0,4}inside\s+{F}{M}"),
    ("street_fighting", r"\b(?P<t>fighting|battles?|clashes|combat)\s+(?:(?:is|are|was|were|has|have|had|been|now|still"
                        r"|continu(?:e|es|ed|ing)|raging|rages?|raged|under\s*way|going\s+on|broke\s+out|erupted"
                        r"|intensified|flared|taking\s+place)\s+){1,4}(?:in|inside|within)\s+{F}{M}"
                        r"(?!'s|\s+(?:direction|sector|front|region|oblast|axis|area|district)\b)"),
    ("street_fighting", r"\b(?:heavy|fierce|intense|urban|close-quarters?)\s+(?P<t>fighting|battles?|clashes|combat)\s+"
                        r"(?:(?:is|are|was|were|has|have|been|now|still|continu\w+|under\s*way|going\s+on)\s+){0,3}"
                        r"(?:in|inside|within)\s+{F}{M}(?!'s|\s+(?:direction|sector|front|region|oblast|axis|area|district)\b)"),
    ("entry", r"\b(?:troops|forces|units|soldiers|fighters|teams|groups|detachments|infantry|infantrymen)\s+(?:are|were"
              r"|is|was|remain|remained|have\s+been|has\s+been)\s+(?:now\s+|already\s+|still\s+)?(?P<t>inside)\s+{F}{M}"),
    ("street_fighting", r"\b(?P<t>fighting|battles?|clashes|combat)\s+in\s+{F}{M}\s+(?:(?:has|have|is|are|had|now"
                        r"|moved|spread|shifted|reached|into|to)\s+){1,4}(?:the\s+)?(?:streets|city\s+cent(?:re|er)"
                        r"|town\s+cent(?:re|er)|residential\s+(?:areas|blocks))"),
    ("street_fighting", r"\b(?P<t>fighting|battles?|clashes|combat)\s+(?:[\w-]+\s+){0,3}?in\s+{M}'s\s+"
                        r"(?:streets|cent(?:re|er))"),
    # no shift
    ("approach", r"\b(?P<t>approach(?:es|ing|ed)?(?:\s+to)?|outskirts\s+of|edges?\s+of|gates\s+of|suburbs\s+of"
                 r"|vicinity\s+of|environs\s+of|(?:just\s+)?outside(?:\s+of)?|nearing|(?:moving|advancing|advance"
                 r"|advanced|advances|pushing|pushed|pressing|push|heading|closing\s+in|marching|driving)\s+"
                 r"(?:on|to|toward|towards|in\s+on)|toward|towards|closing\s+in\s+on|close\s+to|closer\s+to"
                 r"|short\s+of|(?:km|kilometres|kilometers|miles)\s+(?:from|of|short\s+of|outside)|pressing\s+on)"
                 r"\s+{F}{M}"),
    ("encirclement", r"\b(?P<t>encircl\w*|surround\w*|besieg\w*|siege|blockad\w*|cut\s+off|pincer|cauldron)\s+"
                     r"(?:(?:of|around|on)\s+)?{F}{M}"),
    ("encirclement", r"{M}(?:\s+[\w'-]+){0,4}?\s+(?P<t>encircled|surrounded|besieged|blockaded|cut\s+off)\b"),
    ("strike", r"\b(?P<t>shell(?:ed|ing|s)?|bombard\w*|strikes?|struck|hit|hits|hitting|bomb(?:ed|ing|s)?"
               r"|rockets?|missiles?|drones?|attack(?:ed|s|ing)?|pound(?:ed|ing|s)?|target(?:ed|ing|s)?"
               r"|air\s*raids?|airstrikes?|artillery)\s+(?:[\w'-]+\s+){0,6}?(?:in|on|at|against|near|across)?\s*{F}{M}"),
    ("strike", r"{M}(?:\s+(?:was|were|is|are|has|have|been|again|heavily|overnight))*\s+(?P<t>shelled|struck|hit"
               r"|bombed|attacked|targeted|pounded)\b"),
)

WITHDRAW_WORDS = _WITHDRAW
# optional troops phrase between a withdrawal verb and its preposition ("pulled its troops out of")
TROOPS_NP = (
    r"(?:(?:of\s+)?(?:(?:the|its|their|his|all|russian|ukrainian|last|remaining|own)\s+)*(?:troops|forces|units"
    r"|soldiers|fighters|men|garrison|brigades?|grouping|contingent|personnel|servicemen)\s+)?"
)
# words allowed before a governed place: "the key town of", "the city,", "nearby"
FILLER = (
    r"(?:(?:the|a|an)\s+)?(?:(?!(?:of|from|in|to|near|around|outside|toward|towards|and|or|but|with|by|on|at|into"
    r"|west|east|north|south|over|between|beyond|past|along|across|behind)\b)[\w'-]+\s+){0,3}?(?:city|town|village"
    r"|settlement|hamlet|hub|stronghold|port|capital|outpost|township|municipality|junction|bastion|fortress"
    r"|citadel|locality|urban-type\s+settlement|railway\s+town|mining\s+town|district\s+cent(?:re|er)"
    r"|regional\s+cent(?:re|er))\s*(?:of\s+|,\s*)(?:\"\s*)?"
    r"|(?:the\s+)?(?:(?:nearby|neighbouring|neighboring|small|other)\s+)?(?:villages|towns|settlements|localities"
    r"|hamlets|cities)\s+of\s+"
    r"|(?:(?:two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+)(?:(?:more|other|nearby|small|further"
    r"|frontline|front-line)\s+)?(?:villages|towns|settlements|localities|hamlets)(?:\s+(?:[\w'-]+\s+){0,5}?"
    r"(?:of|near|around|in|on)\s+(?:the\s+)?(?:[\w'-]+|⟨\d+⟩)(?:\s+(?:region|oblast|river))?)?\s*[,:-]\s*"
    r"(?:(?:the|a|an)\s+(?:(?:small|large|nearby|frontline|front-line)\s+)?(?:town|village|city|settlement|hamlet)"
    r"\s+of\s+)?"  # "two settlements west of Kyiv, the town of A and the village of B"
    r"|(?:the\s+)?(?:nearby|neighbouring|neighboring|strategic|embattled|besieged|frontline|front-line|ruined"
    r"|devastated)\s+(?:\"\s*)?"
    r"|(?:the\s+)?(?:(?:city|town|village)\s+)?(?:centre|center|heart|middle)\s+of\s+|ukraine's\s+"
    r"|\"\s*"
)
COORDINATION = (
    r"\s*,?\s*(?:as\s+well\s+as|along\s+with|plus)\s+(?:(?:of|over|in)\s+)?|\s*,\s*(?:and\s+|&\s+)?"
    r"|\s+(?:and|&)\s+(?:(?:of|over|in)\s+)?"
)

# words that make a past participle an adjective ("the occupied city of", "in liberated Kherson")
ADJECTIVAL_BEFORE = (
    r"(?:\b(?:the|a|an|this|that|in|into|of|from|to|at|for|newly|recently|formerly|previously|once|russian|ukrainian"
    r"|kremlin|moscow|kyiv)|-)\s*$"
)
NOMINAL_TRIGGERS = (
    r"liberation|de-?occupation|recapture|retaking|capture|seizure|fall|taking|conquest|occupation|loss|withdrawal"
    r"|pull-?back|pull-?out|retreat|departure|exit|entry|incursion"
)
# verbs that need forces as their subject ("troops left X"; not "the strike left X without power")
AGENTIVE_TRIGGER = (
    r"^(?:left|leave|leaves|leaving|fled|abandon(?:ed|s|ing)?|quit(?:s|ting)?|los(?:t|e|es|ing)|ced(?:ed|es|e|ing)"
    r"|surrender(?:ed|s|ing)?|g(?:ave|ive|ives|iving|iven)\s+up|vacat(?:ed|es|e|ing))$"
)
AGENT_BEFORE = (
    r"(?:\b(?:troops|forces|units|soldiers|fighters|servicemen|army|military|garrison|brigades?|battalions?|men"
    r"|defenders|paratroopers|marines|mercenaries|russia|russians|ukraine|ukrainians|moscow|kyiv|kiev|wagner"
    r"|separatists|occupiers|invaders|enemy|they|we|it|he)(?:'s)?|⟨\d+⟩)\s+(?:(?:have|has|had|finally|also|now"
    r"|completely|reportedly|already|just|then|eventually|effectively|quietly|hastily|fully|all|to|would|will|could"
    r"|may|must|not|never|did|do|does)\s+)*$"
)
# a part of the place after a possessive ("withdrew from Avdiivka's coke plant"): (part, outskirts)
PART_AFTER = r"^'s\s+[\w-]"
AREA_AFTER = r"^'s\s+(?:[\w-]+\s+){0,2}?(?:outskirts|suburbs|approaches|environs|vicinity|edges?)\b"
GERUND_TRIGGER = (
    r"(?:taking|capturing|seizing|liberating|recapturing|retaking|losing|holding|occupying|entering|abandoning"
    r"|leaving|withdrawing|surrendering|ceding|giving\s+up)(?:\s+(?:back|over|out|control))?"
)
EVALUATION_AFTER = (
    r"(?:(?:is|was|were|are)\s+(?:only\s+|just\s+)?a\s+matter\s+of\s+(?:time|days|weeks)|(?:is|are)\s+next\b"
    r"|as\s+(?:the|a|an)\s+(?:key|gateway|prize|turning|goal|target|prerequisite|precondition|step)\b"
    r"|(?:is|was)\s+(?:(?:still|not)\s+)?(?:premature|imminent|close|near)"
    r"|would|could|will|may|might|should|opens|open|opened|means|marks|represents|gives|makes|leaves"
    r"|(?:is|was|would\s+be)\s+(?:also\s+|not\s+)?(?:a\s+|an\s+|the\s+|very\s+|hugely\s+|so\s+)?(?:huge|big|major"
    r"|significant|important|crucial|key|symbolic|blow|heavy|victory|setback|milestone|turning|strategic|vital"
    r"|critical|essential|game|biggest|largest|most))\b"
)

# who did it
ACTOR_RU = (
    r"\b(?:russian|russians|russia|russia's|moscow|moscow's|kremlin|wagner|wagner's|chechen|kadyrov\w*"
    r"|separatists?|pro-russian|russian-backed|russian-led|lnr|dnr|lpr|dpr|occupiers?|occupying|invaders?"
    r"|invading|putin's|shoigu|vdv|akhmat|rosgvardia|storm-z|motori[sz]ed\s+rifle\w*"
    r"|(?:west|western|centre|center|central|east|eastern|south|southern|north|northern|dnepr|dnieper|zapad|tsentr"
    r"|vostok|yug|sever)\s+(?:battle\s*)?group(?:ing)?(?:\s+of\s+(?:forces|troops))?"
    r"|group(?:ing)?\s+(?:of\s+(?:forces|troops)\s+)?(?:west|centre|center|east|south|north|dnepr|dnieper|zapad|tsentr"
    r"|vostok|yug|sever))\b"
)
ACTOR_UA = (
    r"\b(?:ukrainian|ukrainians|ukraine|ukraine's|kyiv|kiev|kyiv's|kiev's|zelensky\w*|zsu|afu|khortytsia|tavria|azov"
    r"|kraken|defenders|national\s+guard\w*|territorial\s+defen[cs]e|defen[cs]e\s+forces"
    r"|\d{1,3}(?:st|nd|rd|th)\s+(?:separate\s+)?(?:(?!motori[sz]ed|rifle)[\w-]+\s+){0,3}?(?:brigade|corps|battalion"
    r"|regiment))\b"
)
ACTOR_ENEMY = r"\b(?:the\s+)?enem(?:y|y's|ies)\b"
ACTOR_OURS = r"\b(?:our|we|us)\b"
ACTOR_ALLIED = r"\ballied\s+(?:forces|troops|units)\b"
# the Armed Forces without a country: the speaker's only
ACTOR_ARMED = r"\barmed\s+forces\b(?!\s+of\b)"
ACTOR_POSSESSIVE = (
    r"\b(?:its|their|his|her)\s+(?:own\s+)?(?:troops|forces|units|soldiers|fighters|men|army|brigades?|grouping"
    r"|military|garrison|formations?|personnel|servicemen|defenders)\b"
)
ACTOR_GENERIC = (
    r"\b(?:troops|forces|units|soldiers|fighters|servicemen|army|military|garrison|assault\s+groups?|infantry"
    r"|brigades?|paratroopers|mercenaries)\b"
)
ACTOR_PRONOUN = r"\b(?:it|they|he|she)\b"
BY_AGENT = r"^\s*(?:[\w'-]+\s+){0,2}?(?:by|to)\s+(?:the\s+)?"
# "freed from Russian forces", "cleared of Russian troops": the side named is the one that left
FROM_AGENT = r"^\s*(?:[\w'-]+\s+){0,3}?(?:from|of)\s+(?:the\s+)?(?:remaining\s+|last\s+)?"
CAPITAL_SURFACES = ("kyiv", "kiev", "kyiv's", "kiev's")

# who said it
SPEAKER_RU = (
    r"\b(?:russia|russian|russia's|moscow|kremlin|wagner|prigozhin|shoigu|konashenkov|peskov|putin|separatists?"
    r"|kadyrov|lnr|dnr|lpr|dpr|russian-installed|russian-appointed|pro-russian|pro-kremlin|milbloggers?)\b"
)
SPEAKER_UA = (
    r"\b(?:ukraine|ukrainian|ukraine's|kyiv|kiev|zelensky\w*|zaluzhn\w+|syrskyi|tarnavskyi|maliar|podolyak"
    r"|haidai|syniehubov|general\s+staff|khortytsia|tavria)\b"
)
# official titles that speak for Ukraine unless qualified as Russian-installed
SPEAKER_OFFICIAL = (
    r"\b(?:governor|mayor|regional\s+council|regional\s+administration|military\s+administration|brigade"
    r"|battalion|commander|commander-in-chief|spokes(?:man|woman|person)|deputy\s+defence\s+minister|presidential"
    r"|president)\b"
)
SPEAKER_HEADS = (
    "ministry", "general staff", "governor", "mayor", "command", "commander", "spokesman", "spokeswoman",
    "military", "army", "agency", "group", "administration", "president", "kremlin",
)
REPORT_VERBS = (
    r"said|says|say|saying|announced|announces|announce|confirmed|confirms|confirm|claimed|claims|claim|reported"
    r"|reports|stated|states|told|tells|wrote|writes|admitted|admits|acknowledged|acknowledges|declared|declares"
    r"|added|adds|insisted|insists|tweeted|posted|posts|noted|notes|reiterated|conceded|concedes|asserted"
    r"|asserts|replied|explained"
)
ACCORDING_TO = r"according\s+to"
SPEAKER_PRONOUNS = ("he", "she", "they", "it", "the spokesman", "the spokeswoman")
NEXT_SENTENCE_ATTRIBUTION = r"^this\s+was\s+(?:announced|reported|confirmed)\s+by\s+"

# how sure, when, and whether it happened
PREDICTION = (
    r"\b(?:would|will|wo|'ll|could|(?<!in )(?<!on )(?<!of )(?<!early )(?<!late )(?<!mid-)may(?!\s+\d)|might|shall|should|going\s+to|expected\s+to|expects?|expecting|likely\s+to"
    r"|plans?\s+to|planning\s+to|intends?\s+to|aims?\s+to|set\s+to|poised\s+to|about\s+to|ready\s+to|try(?:ing)?\s+to"
    r"|tries\s+to|tried\s+to|attempt(?:s|ed|ing)?\s+to|seek(?:s|ing)?\s+to|sought\s+to|hop(?:e|es|ed|ing)\s+to"
    r"|threaten(?:s|ed|ing)?\s+to|ordered|orders|ordering|has\s+to|have\s+to|need(?:s|ed)?\s+to|must"
    r"|predict(?:s|ed|ing)?|forecast\w*|anticipat\w+|promis(?:e|es|ed)\s+to|vow(?:s|ed)?\s+to|bid\s+to"
    r"|effort\s+to|offensive\s+to|allowed\s+to|permission\s+to|decision\s+to|decided\s+to)\b"
)
INFINITIVE_MARK = r"\bto\s*$"
# an order or decision to withdraw is a prediction, unless the same sentence says the withdrawal happened
ORDER = r"\b(?:ordered|orders|ordering|decision\s+to|decided\s+to|order\s+to)\b"
ORDER_DONE = (
    r"\b(?:(?:completed|finished|carried\s+out)\s+(?:the|their|its)\s+(?:withdrawal|pull-?out|pull-?back|retreat)"
    r"|(?:have|has|had)\s+(?:now\s+|already\s+)?(?:withdrawn|pulled\s+(?:out|back)|left|retreated)"
    r"|(?:are|is|were|was)\s+(?:now\s+|already\s+)?(?:leaving|withdrawing|pulling\s+(?:out|back)|retreating))\b"
)
# a present-tense verb after these is a future event ("before it takes Melitopol", "once Russia captures X")
FUTURE_OPENER = r"^\s*(?:before|until|till|once|by\s+the\s+time|as\s+soon\s+as|when)\b"
PAST_FORM = (
    r"^(?:\w+ed|took|taken|left|fell|fallen|fled|broke|broken|overran|won|got|gotten|made|fought|swept|drove|driven"
    r"|threw|thrown|gave|given|lost|retook|retaken|freed|withdrew|withdrawn|burst|quit|held|pushed|entered)\b"
)
INFINITIVE_TRIGGER = r"(?!x)x"
REALIZED = r"\b(?:forced|forcing|compelled|managed|made|succeeded|obliged|able|continu(?:e|es|ed|ing))\b"
ADMISSION = r"\b(?:admit\w*|acknowledg\w*|conced\w*|confirm\w*)\b"
CONDITIONAL = r"\b(?:if|unless|in\s+case|provided\s+that)\b"
QUESTION = r"\b(?:whether)\b"
NEGATION = (
    r"(?:\b(?:not|never|no|without|neither|nor|failed\s+to|fail\s+to|fails\s+to|yet\s+to|unable\s+to|none|any)\b"
    r"|n't\b)"
)
DENIAL = (
    r"\b(?:den(?:y|ies|ied|ying|ial|ials)|dismiss(?:ed|es|ing)?|not\s+true|untrue|false|fake|refut\w+"
    r"|reject(?:ed|s|ing)?|debunk\w*|nonsense)\b"
)
# a rumour: the event itself is in doubt (sets the claim aside whoever said it)
HEDGE_RUMOUR = (
    r"\b(?:supposedly|purportedly|allegedly|rumou?r\w*|unclear|not\s+clear|hearsay|speculat\w+)\b"
    r"(?!\s+(?:how|when|why|what|where|who))"
)
# not verified: sets aside reports, footage and bloggers, but only marks an official statement as hedged
HEDGE_UNVERIFIED = (
    r"\b(?:unconfirmed|unverified|not\s+(?:yet\s+|been\s+|be\s+)?(?:independently\s+)?(?:verified|confirmed)"
    r"|could\s+not\s+(?:be\s+)?(?:independently\s+)?(?:verif\w+|confirm\w*)|cannot\s+(?:be\s+)?(?:independently\s+)?"
    r"(?:verif\w+|confirm\w*)|can't\s+(?:verif|confirm)\w*|unable\s+to\s+(?:independently\s+)?(?:verif|confirm)\w*"
    r"|did\s+not\s+(?:immediately\s+)?confirm|appear(?:ed|s)?\s+to\s+show|seem(?:ed|s)?\s+to\s+show"
    r"|without\s+(?:(?:providing|offering|giving|presenting|citing|showing|producing)\s+)?(?:any\s+)?(?:evidence|proof)"
    r"|unsubstantiated|reportedly|reported\s+to|(?:is|are|was|were)\s+said\s+to"
    r"|some\s+reports)\b"
)
# speakers that are not a side's officials
NON_OFFICIAL = (
    r"\b(?:bloggers?|milbloggers?|footage|videos?|social\s+media|residents|locals|sources?|reports|channels?"
    r"|telegram|witness\w*|posts?|analysts?|experts?|observers?)\b"
)
HEDGE_WEAK = r"\b(?:apparently|appears?\s+to|seems?\s+to|likely|probably|possibly|perhaps)\b"
# a following sentence that only says the previous one could not be checked
NEXT_SENTENCE_HEDGE = (
    r"^(?:we|this|it|the\s+claim|the\s+report|the\s+footage|the\s+video|neither\s+claim|[\w-]+)\s+(?:could\s+not"
    r"|cannot|can't|has\s+not\s+been|have\s+not\s+been|was\s+not|were\s+not|is\s+not)\s+(?:be\s+)?(?:independently\s+)?"
    r"(?:verif|confirm)\w*"
)
SUBORDINATORS = (
    r"\b(?:since|after|before|when|while|because|as|although|though|but|whereas|which|who|where|until|once)\b"
)
BACKGROUND_OPENER = r"^\s*since\b"

_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun"
    r"|jul|aug|sept|sep|oct|nov|dec"
)
_NUMBER = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few|\d+)"
PAST = (
    r"\b(?:in|since|during|until|through|from)\s+(?:early\s+|mid-?\s*|late\s+)?(?:" + _MONTHS + r")\b(?!\s+\d{1,2}\b)"
    r"|\b(?:at|by)\s+the\s+(?:start|end|beginning|middle)\s+of\s+(?:" + _MONTHS + r"|the\s+(?:war|invasion|year|month"
    r"|spring|summer|autumn|winter))\b"
    r"|\blast\s+(?:week|weekend|month|year|spring|summer|autumn|fall|winter|" + _MONTHS + r")\b"
    r"|\bearlier\s+(?:this|in\s+the|last)\s+(?:week|month|year|spring|summer|autumn|winter)\b"
    r"|\b" + _NUMBER + r"\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|before|previously)\b"
    r"|\bsince\s+(?:early\s+|mid-?|late\s+)?(?:\d{4}|the\s+(?:start|beginning|spring|summer|autumn|winter|first\s+days"
    r"|invasion|war))\b"
    r"|\b(?:in|since)\s+(?:19|20)\d{2}\b"
    r"|\bover\s+the\s+(?:winter|summer|spring|autumn)\b|\bback\s+in\b|\bthe\s+previous\s+(?:week|month|year)\b"
    r"|\b(?:in|during)\s+the\s+(?:first|early|opening)\s+(?:days?|weeks?|months?)\s+of\s+the\s+(?:(?:full-scale\s+)?war"
    r"|invasion)\b"
    r"|\b(?:in|during)\s+(?:the\s+)?(?:spring|summer|autumn|fall|winter)\b(?:\s+of\s+\d{4})?"
)
# a past marker that counts only before the event ("a week after Ukrainian troops left X")
PAST_PRECEDING = r"\b" + _NUMBER + r"\s+(?:days?|weeks?|months?|years?)\s+after\b"
# explicit dates, judged against the publication date: (day, month) or (month, day)
DATE_DAY_MONTH = r"\b(\d{1,2})\s+(" + _MONTHS + r")\b"
DATE_MONTH_DAY = r"\b(" + _MONTHS + r")\s+(\d{1,2})\b(?!\s*(?:km|per|%|,\s*\d{3}))"
MONTH_NUMBERS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

# flags
FLAG_NOUN = r"\bflags?\b"
FLAG_RAISE = (
    r"\b(?:rais(?:ed|es|e|ing)|hoist(?:ed|s|ing)?|plant(?:ed|s|ing)?|unfurl(?:ed|s|ing)?|put\s+up|ran\s+up|run\s+up"
    r"|flies|flew|flying|fly|(?:is|are|was|were|has\s+been|have\s+been)\s+(?:now\s+)?up|went\s+up|goes\s+up"
    r"|brought|brings|bringing|returned|returns)\b"
)
FLAG_UA = r"\b(?:ukrainian|ukraine's|blue-and-yellow|yellow-and-blue|blue\s+and\s+yellow)\b"
FLAG_RU = r"\b(?:russian|russia's|wagner|wagner's|tricolou?r|soviet|dnr|lnr)\b"
LOCATIVE = r"\b(?:(?:in|over|above|at|on)\s+(?:the\s+(?:centre|center|heart|middle)\s+of\s+)?|(?:back\s+)?to\s+)$"
SENTENCE_LOCATIVE = r"^\s*in\s+$"
FLAG_DOWN = r"\b(?:tore|torn|tear(?:s|ing)?|took|taken|take|pulled|remov(?:ed|es|e|ing)|burn(?:ed|t|ing)?|destroy(?:ed|ing)?|ripped)(?:\s+down)?\s+(?:[\w'-]+\s+){0,3}$"
FLAG_PRONOUN = r"^\s*(?:over|above|in|on)\s+it\b"

# how a claim reaches its places and which markers set it aside (CONTRACT §3, issue 13)
NOT_NEGATION = r"\bnot\s+only\b|\bno\s+(?:doubt|longer)\b|\bnever\s+(?:stopped|ceased)\b"
# a claim introduced as a report or a claim ("claims that X had fallen ...") and denied after it
CLAIM_WRAPPER = (
    r"\b(?:claims?|reports?|notion|suggestions?|allegations?|assertions?|statements?|rumou?rs?|announcement|talk)"
    r"\s+(?:(?:[\w'-]+|⟨[^⟩]*⟩)\s+){0,3}?(?:that|of|about)\b"
)
DENIAL_AFTER = (
    r"\b(?:(?:is|are|was|were|being|as|been)\s+(?:[\w'-]+\s+)?(?:untrue|false|fake|not\s+true|propaganda|baseless"
    r"|groundless|a\s+fabrication|a\s+lie|lies|staged|nonsense|fiction|invented|made[- ]up|a\s+hoax|fictitious)"
    r"|(?:a\s+)?fabrication|fabricated|den(?:ied|ies|y))\b"
)
# a denial appended to the claim's own sentence (", a claim Kyiv denied", ", but Kyiv said the claim was untrue")
DENIAL_TAIL = (
    r"^[^.;]{0,12}?,\s*(?:(?:a|the|this|that)\s+claims?|which|an?\s+assertions?|a\s+reports?)\b[^.;]{0,80}?"
    r"\b(?:den(?:ied|ies|y)|reject(?:ed|s)|dismiss(?:ed|es)|refut(?:ed|es)|called\s+(?:false|untrue|fake))\b"
    r"|^[^.;]{0,80}?\bbut\s+[^.;]{0,80}?\b(?:said|says|insisted|stressed|added)\s+(?:that\s+)?(?:the\s+claim|this|it"
    r"|the\s+report)\s+(?:was|is|were)\s+(?:untrue|false|not\s+true|fake|a\s+fabrication|a\s+lie)\b"
)
# "no statement that X is under control", "did not say that X was held": the clause after is negated
NEGATED_WRAPPER = (
    r"\bno\s+(?:[\w'-]+\s+){0,2}?(?:statement|confirmation|evidence|information|indication|sign|word|report|claim)s?"
    r"\s+(?:[\w'-]+\s+){0,3}?(?:that|of)\b"
    r"|\b(?:did\s+not|didn't|does\s+not|doesn't|would\s+not|wouldn't|could\s+not|couldn't|declined\s+to"
    r"|refused\s+to)\s+(?:say|confirm|state|claim|report)\s+(?:that|whether|if|how\s+(?:much|many|far))\b"
    r"|\bno\s+(?:[\w'-]+\s+){0,3}?(?:has|have|had)\s+(?:yet\s+|so\s+far\s+)?(?:claimed|confirmed|reported|said)\b"
)
NEGATED_AFTER = r""
# a report about the event that was not made: "the capture of X has not been announced (confirmed)"
NEGATED_REPORT = (
    r"\s*(?:has|have|had|was|were|is|are)\s+(?:not|never|yet\s+to\s+be)\s+(?:yet\s+)?(?:been\s+)?(?:officially\s+)?"
    r"(?:announced|confirmed|claimed|reported|acknowledged)\b"
)
# hedges that set a claim aside when they qualify its verb ("had likely captured")
HEDGE_NEAR = (
    r"\b(?:likely|probably|apparently|possibly|presumably|appears?\s+to\s+have|seems?\s+to\s+have"
    r"|appeared\s+to\s+have|seemed\s+to\s+have)\b"
)
# monitors, analysts and journalists report; they never act
MONITOR = (
    r"\b(?:deepstate|isw|institute\s+for\s+the\s+study\s+of\s+war|analysts?|think\s+tank|bloggers?|milbloggers?"
    r"|monitor(?:s|ing)?|mapping\s+project|journalists?|reporters?|correspondents?|war\s+correspondents?)\b"
)
# a recap at the start of a sentence ("Earlier, ...") places it in the past
PAST_OPENER = r"^\s*(?:earlier|previously|before\s+that)\s*,|^\s*as\s+(?:was\s+)?(?:reported|previously\s+reported)\b"
# a part of the place named before it ("half of the town", "parts of Toretsk")
PART_BEFORE = (
    r"\b(?:parts?|most|much|half|a\s+third|a\s+quarter|two-thirds|(?:the\s+)?(?:[\w-]+\s+)?(?:part|half|districts?"
    r"|neighbou?rhoods?|quarters?|sectors?|blocks|(?<!district )(?<!regional )(?<!oblast )cent(?:re|er)|heart))\s+of\s+"
    r"(?:the\s+(?:town|city|village)\s+of\s+)?$"
)
PARTLY_BEFORE = r"\b(?:partly|partially|half)\s+$"
# "Having retaken X, the army will ...": a condition, unless the main clause reports what happened
PARTICIPIAL_OPENER = r"^\s*having\s+(?:[\w'-]+\s+){0,2}$"
PARTICIPIAL_TRIGGER = r"(?!x)x"
MAIN_CLAUSE_FUTURE = (
    r"\b(?:will|would|could|can|may|might|should|shall|'ll|(?:is|are)\s+(?:set|expected|likely|going)\s+to"
    r"|plans?\s+to|intends?\s+to|aims?\s+to|hopes?\s+to)\b"
)
# a list given in the next sentence ("... took two villages. They are A and B.")
LIST_OPENER = r"^\s*(?:they\s+are|these\s+are|the\s+(?:villages|settlements|towns)\s+are|among\s+them\s+(?:are|were))\b"
NOT_AFTER_TRIGGER = r"^\s*(?:from\s+captivity|(?:as\s+)?prisoners?)\b"
ENCIRCLE_AFTER = r"^\s*(?:in\s+(?:a|the)\s+)?(?:pincer|ring|cauldron|vice)\b"
# "the town", "the battered rail town", "the regional capital": a place named by description
DESCRIPTION = (
    r"\b(?i:the|this|that)\s+(?:(?!(?i:next|other|nearest|first|second|last|same|whole|entire|small|neighbouring"
    r"|nearby|the|a|an|this|that|of|and|or|in|on|at|to|by|with|from|for|as|is|was|were|are|has|had|have)\b)"
    r"[^\W\d_][\w-]*\s+){0,3}?(?P<kind>(?i:regional\s+capital|regional\s+cent(?:re|er)|oblast\s+cent(?:re|er)"
    r"|district\s+cent(?:re|er)|town|city|village|settlement|hamlet|locality))\b"
    r"(?!\s*(?:['’]s|of\b|council|cent(?:re|er)|hall|administration|authorities|limits|mayor|outskirts|edge|residents"
    r"|streets|officials|police|proper|government|-))"
)
DESCRIPTION_KINDS = {
    "regional_capital": ("regional capital", "regional centre", "regional center", "oblast centre", "oblast center"),
    "district_centre": ("district centre", "district center"),
    "town": ("town",),
    "city": ("city",),
    "village": ("village", "hamlet"),
    "settlement": ("settlement", "locality"),
}
# an event stated for a number of places, the places named in the next sentence (LIST_OPENER)
COUNT_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("capture", r"\b(?P<t>captured|seized|took|taken|occupied)\s+(?:another\s+)?(?:two|three|four|five|several|\d+)\s+"
                r"(?:more\s+|other\s+|nearby\s+)?(?:villages|settlements|towns)\b"),
    ("liberation", r"\b(?P<t>liberated|freed|recaptured|retook|retaken)\s+(?:another\s+)?(?:two|three|four|five|several"
                   r"|\d+)\s+(?:more\s+|other\s+|nearby\s+)?(?:villages|settlements|towns)\b"),
)
