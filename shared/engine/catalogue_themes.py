"""Each catalogue reference's tone and theme line: commentary written after reading its WEB text, never the text."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# A theme line is a predicate that completes a sentence after the reference (or after "This verse"):
# lower-case, third-person present, one clause with no colon, semicolon or full stop, so it also reads after
# "it" or "which" in the composer's sentences, e.g. "1 Peter 5:7 invites us to hand every worry …".
# It must be true of that passage alone, differ from every other line in its first five words, and never
# repeat six words of the verse in a row. docs/scripture.md is the review record (tests keep it in step).

_COMFORT: dict[str, str] = {
    "Psalm 94:19": "meets a crowd of restless thoughts with God's consolations, which delight the soul",
    "Psalm 23:4": "fears no harm in the darkest valley, because the Shepherd walks alongside with rod and staff",
    "Isaiah 43:1-2": "hears God call us by name as his own and promise to be with us through flood and fire",
    "Isaiah 41:13": "pictures God holding our right hand and telling us not to be afraid, for he will help",
    "Mark 6:50": "shows Jesus calling out at once to his troubled friends to take heart, since it is he, and not fear",
    "Psalm 34:18": "assures the broken-hearted that the Lord stays close and rescues those whose spirit is crushed",
    "Psalm 147:3": "shows God as the healer who tends broken hearts and bandages their wounds",
    "Psalm 119:50": "finds comfort in affliction because God's word has brought the sufferer back to life",
    "Psalm 3:3": "sees God as a shield on every side and the one who lifts a bowed head",
    "Psalm 31:7": "rejoices in God's love because he has seen our suffering and known us in our troubles",
    "2 Corinthians 1:3-4": "names God the Father of mercies, who comforts us in every trouble so we can comfort others",
    "Matthew 5:4": "blesses those who mourn and promises that comfort will come to them",
    "John 11:35": "shows Jesus weeping at his friend's tomb, sharing our grief instead of standing apart from it",
    "Romans 8:38-39": "insists that nothing in life or death, now or to come, can cut us off from God's love in Christ",
    "Psalm 116:15": "tells us the death of God's faithful ones is precious in his sight, never unnoticed",
    "Psalm 23:1-3": "pictures the Lord as a shepherd who gives rest by still waters and restores the soul",
    "Deuteronomy 31:8": "promises the Lord goes ahead of us and stays with us, never failing or abandoning us",
    "Psalm 68:6": "sees God giving the lonely a family and leading prisoners out to freedom with songs",
    "Matthew 28:20": "closes with Jesus' promise to be with us every day, to the very end of the age",
    "Hebrews 13:5": "grounds contentment in God's own word that he will never leave or forsake us",
    "Psalm 25:16": "is a desolate, afflicted person's plea for God to turn toward them with mercy",
    "Psalm 139:7-10": "finds no height, depth or far shore beyond God's presence, where his hand still leads and holds",
    "Psalm 27:10": "trusts that even if father and mother turn away, the Lord will take us in",
    "John 14:18": "is Jesus promising not to leave his friends as orphans but to come back to them",
    "Zephaniah 3:17": "pictures God in our midst, delighting in us and singing over us with love",
    "Isaiah 49:15-16": "says a mother may forget her nursing child but God will never forget us, engraved on his palms",
    "Genesis 28:15": "promises Jacob, alone on the road, God's company, protection and a safe way home",
    "Psalm 73:23-24": "knows God is always with us, holding our right hand and guiding us with his counsel",
    "John 15:15": "is Jesus calling his followers friends, not servants, and sharing all he heard from the Father",
    "Psalm 145:18": "assures us the Lord is near to everyone who calls on him sincerely",
    "Psalm 62:8": "invites us to pour out our whole heart to God, who is a safe refuge at every moment",
    "Psalm 10:17-18": "assures the humble that God hears them and will judge for the orphan and the oppressed",
    "Psalm 34:5": "promises that faces turned toward God grow radiant and are never covered with shame",
    "Isaiah 54:4": "tells the disgraced not to fear, for the shame of youth and of widowhood will be forgotten",
    "1 John 3:1": "marvels at the Father's love, so great that we are called God's own children",
    "Psalm 142:3": "remembers that when the spirit grew faint, God already knew the path ahead",
    "Isaiah 40:11": "describes God carrying the lambs close to his heart and gently leading the mothers",
    "Psalm 68:19": "blesses the Lord who carries our burdens day after day and is our salvation",
    "Acts 17:27": "says we were made to seek and reach for God, though he is never far from any of us",
    "Psalm 32:7": "calls God a hiding place who guards from trouble and surrounds us with songs of rescue",
}

_HOPE: dict[str, str] = {
    "Psalm 34:4": "testifies that seeking the Lord brought an answer and freedom from every fear",
    "Psalm 42:11": "questions the soul's despair and answers it with hope in God and praise still to come",
    "Psalm 30:5": "sets a single night of weeping against the joy that arrives with morning and God's lasting favour",
    "John 16:33": "admits the world will bring trouble, yet offers peace in Jesus, who has overcome the world",
    "Psalm 13:5-6": "chooses trust in God's unfailing love and sings because he has been good",
    "Psalm 40:1-2": "tells of waiting on God, being heard, and being lifted out of a muddy pit onto solid rock",
    "Psalm 126:5": "promises that seeds sown with tears will be gathered with songs of joy",
    "Revelation 21:4": "looks to the day God wipes away every tear and death, grief and pain are gone for good",
    "1 Thessalonians 4:13-14": "lets us grieve with hope, because God will bring with Jesus those who died in him",
    "John 11:25-26": "is Jesus calling himself the resurrection and the life, so death is not the end for believers",
    "2 Corinthians 5:1": "promises an eternal home built by God when the tent of this earthly body is taken down",
    "John 14:1-3": "is Jesus telling troubled hearts he is preparing a room for us and will come back for us",
    "Isaiah 25:8": "foresees death swallowed up for ever and the Lord drying tears from every face",
    "1 Corinthians 15:55-57": "mocks death as a beaten enemy and thanks God for the victory won through Jesus Christ",
    "2 Corinthians 5:17": "declares that whoever is in Christ is made new, the old gone and the new begun",
    "Romans 10:11": "repeats scripture's pledge that whoever trusts in him will never be put to shame",
    "Isaiah 61:7": "promises a double portion and everlasting joy in place of shame and dishonour",
    "Zephaniah 3:19": "promises to gather the outcast and the lame and turn their shame into praise and honour",
    "Joel 2:26": "foresees plenty to eat, praise for God's wonders, and an end to his people's disgrace",
    "Ephesians 2:10": "calls us God's handiwork, created in Christ for good works he prepared beforehand",
    "Galatians 6:9": "urges us not to grow tired of doing good, since the harvest comes in time to those who keep on",
    "Psalm 90:17": "prays for the Lord's favour to rest on us and for the work of our hands to last",
    "Romans 8:28": "holds that God weaves everything into good for those who love him and are called",
    "Psalm 138:8": "trusts the Lord to complete what concerns us and asks him not to abandon the work of his hands",
    "Jeremiah 29:11": "is God's word that his plans for us are for peace, not harm, and give a hopeful future",
    "Romans 15:13": "is a blessing asking the God of hope to fill us with joy and peace until hope overflows",
    "Lamentations 3:22-23": "finds God's compassion unfailing and his mercies new every morning",
    "Romans 5:3-5": "traces suffering through endurance and character to a hope that never disappoints",
    "Hebrews 11:1": "defines faith as being sure of what we hope for and certain of what we cannot see",
    "Romans 8:18": "weighs present suffering against the coming glory and finds it not worth comparing",
    "Micah 7:7": "resolves to keep watching for the Lord and waiting for the God who saves and hears",
    "Psalm 130:5": "waits for the Lord with the whole soul and puts hope in his word",
    "Hebrews 10:23": "urges us to hold on to our hope without wavering, because the one who promised is faithful",
    "1 Peter 1:3": "praises God for a new birth into a living hope through Jesus' rising from the dead",
    "Isaiah 43:19": "announces that God is doing a new thing, making roads in the desert and rivers in dry land",
    "Philippians 1:6": "is confident that God will finish the good work he has begun in us",
    "Psalm 71:14": "resolves to keep hoping always and to add ever more praise to God",
    "Jeremiah 29:13": "promises that those who search for God with their whole heart will find him",
    "Matthew 7:7-8": "encourages asking, seeking and knocking, with the promise that each one is answered",
    "Deuteronomy 4:29": "promises that even far from home, anyone who seeks God with heart and soul will find him",
    "Lamentations 3:25": "assures the patient and the searching that the Lord is kind to all who look for him",
    "2 Corinthians 1:10": "looks back on a rescue from deadly danger and hopes in God to rescue again",
}

_STRENGTH: dict[str, str] = {
    "Isaiah 41:10": "is God's promise to the fearful to be their God, to strengthen, help and hold them up",
    "Psalm 55:22": "calls us to throw our burdens on the Lord, who will hold us up and keep us steady",
    "Psalm 56:3": "makes a simple resolve to put our trust in God at the very moment fear comes",
    "Joshua 1:9": "commands courage instead of dread, because God is with us wherever we go",
    "Psalm 27:1": "names God our light, salvation and stronghold, leaving no one for us to fear",
    "Deuteronomy 31:6": "urges courage before what we dread, since God goes with us and will never abandon us",
    "2 Timothy 1:7": "reminds us that fear is not from God, who gives a spirit of power, love and self-control",
    "Psalm 46:1-2": "calls God our refuge and present help, so we need not fear even if the earth gives way",
    "Psalm 91:1-2": "dwells in the Most High's shelter and calls him a refuge and fortress worth trusting",
    "Psalm 118:6": "rests on God being on our side, which shrinks what any person can do to us",
    "Hebrews 13:6": "gives us bold words to say, that the Lord is our helper and so we will not be afraid",
    "Psalm 56:4": "praises God's word and trusts him, asking what mere flesh could do to us",
    "Psalm 119:28": "is the prayer of a soul worn out by sorrow, asking God to strengthen it by his word",
    "Psalm 9:9": "names the Lord a stronghold for the crushed and a safe height in times of trouble",
    "Psalm 73:26": "admits flesh and heart may fail, yet finds God the heart's strength and portion for ever",
    "Isaiah 40:29-31": "promises power to the faint and new strength, like eagles' wings, to those who wait for God",
    "Psalm 61:2": "cries to God from the ends of the earth to be led to a rock higher than ourselves",
    "2 Corinthians 12:9": "hears God say his grace is enough and his power is made perfect in our weakness",
    "Psalm 18:2": "piles up names for God, from rock and fortress to deliverer, shield and high tower",
    "Psalm 121:1-2": "looks up to the hills and answers that our help comes from the Lord, maker of heaven and earth",
    "2 Corinthians 4:8-9": "lists pressures on every side that still do not crush, abandon or destroy us",
    "Psalm 28:7": "calls God strength and shield, and sings thanks from a heart that trusted and was helped",
    "Psalm 16:8": "keeps the Lord always in view, at our right hand, so that we will not be shaken",
    "Philippians 4:13": "claims the strength Christ gives for everything we have to face",
    "Psalm 37:23-24": "promises that God steadies our steps, so that when we stumble we are not thrown down",
    "Psalm 31:24": "calls everyone who hopes in the Lord to be strong and take courage",
    "Nehemiah 8:10": "sends grieving people off to feast and share, because the Lord's joy is their strength",
}

_PEACE: dict[str, str] = {
    "Philippians 4:6-7": "asks us to trade worry for thankful prayer, and God's peace will then guard heart and mind",
    "1 Peter 5:7": "invites us to hand every worry to God, because he truly cares for us",
    "Matthew 6:34": "frees us to live one day at a time, leaving tomorrow's worries to tomorrow",
    "Matthew 6:25-27": "points to the birds our Father feeds to show we are worth more, and that worry adds nothing",
    "John 14:27": "is Jesus leaving us his own peace, unlike the world's, so our hearts need not be troubled",
    "Luke 12:25-26": "asks what worry has ever added to a life, and so frees us to let go of the rest",
    "2 Thessalonians 3:16": "asks the Lord of peace to give us his peace in every way and to be with us all",
    "Psalm 4:8": "lets us lie down and sleep in peace, because God alone keeps us safe",
    "Psalm 37:7": "asks us to rest in the Lord and wait for him, not fretting when schemers seem to prosper",
    "Matthew 11:28-30": "invites the weary and burdened to Jesus, gentle and humble, who gives rest to the soul",
    "Psalm 46:10": "calls us to stop striving and know God, who will be exalted over every nation and the earth",
    "Psalm 62:1-2": "finds rest for the soul in God alone, the rock that keeps us from being badly shaken",
    "Exodus 14:14": "tells people trapped at the sea that the Lord will fight for them while they stay calm",
    "Isaiah 26:3": "promises perfect peace to the mind that stays fixed on God in trust",
    "Psalm 127:2": "says toiling from early till late is in vain, for God gives sleep to those he loves",
    "Exodus 33:14": "is God's promise that his presence will go with us and give us rest",
    "Mark 6:31": "is Jesus calling his tired, busy friends away to a quiet place to rest a while",
    "Psalm 62:5": "tells the soul to wait in quiet for God alone, the source of all it hopes for",
    "1 Corinthians 14:33": "reminds us God is not the author of confusion but of peace",
    "Colossians 3:15": "lets the peace of Christ govern our hearts and calls us, as one body, to be thankful",
    "Psalm 116:7-8": "tells the soul it can rest again, because God has saved it from death, tears and stumbling",
    "Psalm 107:28-30": "tells of people crying out in trouble and God stilling the storm and bringing them to harbour",
}

_MERCY: dict[str, str] = {
    "Psalm 103:8": "shows a Lord full of compassion and grace, patient with us and overflowing in love",
    "1 John 1:9": "promises that when we confess our sins, God faithfully forgives and makes us clean",
    "Psalm 103:12": "measures God's forgiveness by the distance from east to west, our wrongs carried that far away",
    "Romans 8:1": "declares that anyone who belongs to Christ Jesus now stands free of all condemnation",
    "Isaiah 1:18": "invites us to reason with God, who can make sins stained scarlet as white as snow",
    "Psalm 32:5": "tells how owning up to sin instead of hiding it ended in God's forgiveness",
    "Micah 7:18-19": "marvels at a God who pardons, loves mercy and hurls every sin down to the bottom of the sea",
    "Psalm 51:10": "asks God to create a clean heart and renew a steadfast spirit within",
    "Psalm 51:1-2": "pleads for mercy on the strength of God's tender love, asking to be washed clean of sin",
    "Hebrews 8:12": "is God's promise to be merciful and to remember our sins no more",
    "Ephesians 1:7": "speaks of redemption and forgiveness given through Christ, as rich as his grace",
    "Colossians 1:13-14": "tells of rescue from darkness into the kingdom of the beloved Son, where sins are forgiven",
    "Psalm 130:3-4": "admits no one could stand if God tallied every sin, yet finds forgiveness with him",
    "Isaiah 43:25": "has God himself choosing to wipe out our wrongs and forget our sins, for his own sake",
    "Hebrews 4:15-16": "points to a high priest who feels our weakness, so we can come boldly for mercy and grace",
    "Romans 5:8": "shows God's love proven in Christ dying for us while we were still sinners",
    "Luke 15:20": "shows the father seeing his son from far off and running to embrace him with compassion",
    "1 John 3:20": "assures a condemning heart that God is greater than it and knows everything",
    "John 3:16": "tells of God loving the world so much that he gave his only Son, so believers have eternal life",
}

_INVITATION: dict[str, str] = {
    "Psalm 27:8": "answers God's invitation to seek his face with the heart's own yes",
    "Psalm 63:1": "longs for God like a parched body in a dry, weary land longs for water",
    "Revelation 3:20": "pictures Jesus knocking at the door, ready to come in and share a meal with whoever opens",
    "Psalm 42:1-2": "compares the soul's thirst for the living God to a deer panting for streams",
    "Psalm 34:8": "invites us to taste and see the Lord's goodness and find blessing in taking refuge in him",
    "Isaiah 55:6": "urges us to seek the Lord and call on him now, while he is near and can be found",
}

_GUIDANCE: dict[str, str] = {
    "Proverbs 3:5-6": "asks us to trust the Lord fully rather than our own insight, and he will direct our paths",
    "Matthew 6:33": "puts seeking God's kingdom first and trusts that everything else we need will follow",
    "Psalm 37:5": "calls us to commit our way to the Lord and trust him to act for us",
    "Proverbs 16:3": "invites us to entrust our work to the Lord so that our plans will be established",
    "James 1:5": "promises wisdom to anyone who asks God, who gives generously and without scolding",
    "Psalm 32:8": "is God's pledge to instruct us, teach us the way to go and watch over us with counsel",
    "Psalm 119:105": "calls God's word a lamp for each step and a light along the path",
    "Isaiah 30:21": "promises a voice behind us saying which way to walk whenever we turn right or left",
    "Jeremiah 33:3": "invites us to call on God, who will answer and show us great things we do not know",
    "Proverbs 16:9": "observes that we plan our course in our hearts, but the Lord directs our steps",
    "Psalm 25:4-5": "prays to be shown God's ways, taught his paths and led in his truth while waiting on him",
    "Psalm 143:8": "asks to hear of God's love each morning and to be shown the way to walk",
    "John 16:13": "promises that the Spirit of truth will guide us into all truth",
    "John 14:6": "is Jesus declaring himself the one way to the Father, the truth and the life",
}

_WISDOM: dict[str, str] = {
    "Proverbs 12:25": "observes that anxiety weighs the heart down while a kind word lifts it",
    "Ephesians 4:26-27": "accepts that we will feel anger but warns against letting it become sin or last past sundown",
    "James 1:19-20": "counsels listening first and speaking slowly, because human anger does not achieve God's justice",
    "Proverbs 15:1": "notes that a gentle reply turns fury aside, while a harsh one stirs it up",
    "Ephesians 4:31-32": "asks us to lay down bitterness and rage and be kind and forgiving, as God forgave us",
    "Colossians 3:13": "calls us to bear with one another and forgive grievances, as the Lord forgave us",
    "Romans 12:19": "leaves revenge to God, who promises to repay wrongs, instead of taking it into our own hands",
    "Psalm 4:4": "counsels a pause before acting, to stand in awe and search the heart quietly at night",
    "Matthew 5:43-44": "is Jesus teaching love for enemies and prayer for those who mistreat us",
    "Proverbs 16:32": "values mastering one's own temper above the might of a warrior who takes a city",
    "Romans 12:17-18": "asks us not to repay evil with evil and, as far as we can, to live at peace with everyone",
    "Ecclesiastes 3:1-4": "gives grief its own season under heaven, with a time to laugh and dance still ahead",
    "Colossians 3:23": "reframes each task as wholehearted work done for the Lord rather than for people",
    "Isaiah 55:8-9": "reminds us that God's thoughts and ways are as far above ours as heaven is above earth",
    "Proverbs 2:6": "traces all wisdom, knowledge and understanding back to the Lord who gives them",
    "Proverbs 19:21": "sets our many plans beside the Lord's purpose, which is the one that stands",
    "Proverbs 17:22": "notes that a cheerful heart works like good medicine, while a crushed spirit drains life",
    "Galatians 5:22-23": "lists the fruit the Spirit grows in us, joy among them, with love, peace and patience",
}

_GRATITUDE: dict[str, str] = {
    "Psalm 139:13-14": "gives thanks for being formed in the womb by God, fearfully and wonderfully made",
    "1 Thessalonians 5:16-18": "calls for constant joy, unceasing prayer and thanks in every circumstance",
    "Psalm 107:1": "gives thanks because the Lord is good and his love lasts for ever",
    "Psalm 100:4-5": "invites us through God's gates with thanks and praise, for his goodness and faithfulness endure",
    "James 1:17": "traces every good and perfect gift to the unchanging Father of lights",
    "Psalm 9:1": "resolves to thank the Lord with the whole heart and tell of all his wonders",
    "Ephesians 5:20": "encourages giving thanks to God the Father always, for everything, in Jesus' name",
    "Psalm 103:2": "tells the soul to praise the Lord and never forget all the good he has done",
    "Psalm 95:2": "calls us into God's presence with thanksgiving and joyful songs",
    "2 Corinthians 9:15": "thanks God for a gift too great for words",
    "Colossians 2:6-7": "urges a life rooted and growing in Christ, settled in faith and overflowing with thanks",
    "Psalm 92:1": "declares it good to give thanks to the Lord and sing praise to the Most High",
    "Psalm 34:1": "resolves to bless the Lord at every moment, with praise always on the lips",
    "Psalm 69:30": "promises to praise God's name in song and honour him with thanksgiving",
    "Psalm 116:1-2": "loves the Lord for listening to every cry for mercy and vows to call on him for life",
    "Psalm 40:1-3": "tells of patient waiting, rescue from the pit, and a new song of praise that others will see",
    "Psalm 118:5": "remembers calling on God from a tight place and being answered with freedom",
    "Psalm 34:6": "testifies that a poor man cried out, and the Lord heard and saved him from all his troubles",
    "Psalm 30:2": "thanks the Lord for answering a cry for help with healing",
    "Psalm 116:12": "asks what we could ever give back to the Lord for all his goodness to us",
}

_JOY: dict[str, str] = {
    "Psalm 118:24": "celebrates today as a day the Lord has made, one to rejoice and be glad in",
    "Psalm 16:11": "finds the path of life, fullness of joy and lasting delight in God's presence",
    "Philippians 4:4": "calls us to rejoice in the Lord always, and says it twice",
    "Psalm 126:3": "looks back on the great things the Lord has done for us and is glad",
    "John 15:11": "is Jesus sharing his words so his own joy may be in us and our joy complete",
    "Psalm 30:11-12": "thanks God for turning mourning into dancing and sackcloth into gladness, with praise for ever",
    "Isaiah 55:12": "pictures a people going out with joy and led in peace, while hills sing and trees clap",
    "Psalm 5:11": "calls all who shelter in God to rejoice and sing for joy under his protection",
    "Psalm 100:1-2": "calls the whole earth to shout to the Lord and serve him with glad songs",
    "Psalm 32:11": "invites the upright in heart to be glad in the Lord and shout for joy",
    "Psalm 98:4": "bids all the earth burst into song and joyful noise before the Lord",
    "Psalm 124:7-8": "celebrates escaping like a bird from a broken snare, with help from heaven's Maker",
    "Psalm 18:19": "rejoices at being brought out into open space by a God who delights in us",
    "Psalm 126:1-2": "remembers a restoration so good it felt like a dream, with mouths full of laughter and song",
}

_CONVICTION: dict[str, str] = {
    "Acts 3:19": "calls us to repent and turn back so sins are wiped away and refreshing comes from the Lord",
    "Psalm 139:23-24": "invites God to search the heart, test the thoughts and lead away from any wrong path",
    "James 4:8": "promises God draws near to all who draw near, and calls sinners to clean hands and single hearts",
}

# No "rebuke" group: a verse that scolds (fools, the wicked) fits no one who comes here for encouragement.
_GROUPS: Final = (
    ("comfort", _COMFORT),
    ("hope", _HOPE),
    ("strength", _STRENGTH),
    ("peace", _PEACE),
    ("mercy", _MERCY),
    ("invitation", _INVITATION),
    ("guidance", _GUIDANCE),
    ("wisdom", _WISDOM),
    ("gratitude", _GRATITUDE),
    ("joy", _JOY),
    ("conviction", _CONVICTION),
)


def _notes() -> dict[str, tuple[str, str]]:
    notes: dict[str, tuple[str, str]] = {}
    for tone, group in _GROUPS:
        for reference, theme in group.items():
            if reference in notes:
                raise ValueError(f"{reference} has two tones: {notes[reference][0]} and {tone}")
            notes[reference] = (tone, theme)
    return notes


#: Reference -> (tone, theme line), for every reference in catalogue.CURATED.
NOTES: Final = MappingProxyType(_notes())
