"""The words the demo data is made of: tracks, rooms, people, projects, topics and phrases."""

TRACKS = [
    {"slug": "cloud-infrastructure", "name": "Cloud Infrastructure", "tag": "compute",
     "sessions": 12, "alternates": 4,
     "description": "Compute, bare metal, identity and the control plane: Nova, Ironic, Keystone, Placement "
                    "and the architecture of clouds large and small."},
    {"slug": "networking", "name": "Networking", "tag": "networking",
     "sessions": 10, "alternates": 3,
     "description": "Neutron, OVN, load balancing, DNS and everything that moves packets between workloads, "
                    "from SDN controllers to SR-IOV and NFV."},
    {"slug": "storage", "name": "Storage", "tag": "storage",
     "sessions": 10, "alternates": 3,
     "description": "Block, object, file and image services: Cinder, Swift, Manila, Glance and the backends "
                    "behind them, Ceph first among them."},
    {"slug": "operations-day-2", "name": "Operations & Day 2", "tag": "operations",
     "sessions": 12, "alternates": 4,
     "description": "Running OpenStack in production: deployment tooling, upgrades, monitoring, high "
                    "availability, capacity planning and the stories of the people on call."},
    {"slug": "developer-tools-ci", "name": "Developer Tools & CI", "tag": "developer tools",
     "sessions": 8, "alternates": 3,
     "description": "How OpenStack is built and tested: Zuul, DevStack, Tempest, Oslo libraries, release "
                    "management, documentation and the contributor experience."},
    {"slug": "containers-kubernetes", "name": "Containers & Kubernetes", "tag": "containers",
     "sessions": 10, "alternates": 3,
     "description": "Containers on and under OpenStack: Magnum, Zun, Kuryr, Kata Containers, Kubernetes "
                    "on bare metal and platforms built on top."},
]

ROOMS = [("Ogyoku", 1200), ("Hiten", 600), ("Aoba", 400), ("Sakura", 350), ("Kougyoku", 250),
         ("Tenpyo", 200), ("Shinsen", 150), ("Heian", 120)]

FIRST_NAMES = (
    "Aiko Akira Alejandro Amara Ana Andrea Anil Anna Arjun Astrid Ayumi Bea Ben Carlos Chen Chiara Daniel "
    "Deepa Diego Dmitri Elena Emeka Emma Fatima Felix Fernando Gabriela Giulia Hana Hannah Hiroshi Ines "
    "Ivan Jakub Jana Javier Ji-woo Jonas Julia Kai Kaito Kavya Kenji Lars Laura Lea Lei Liam Lina Lucas "
    "Luis Maja Malik Maria Marek Mariana Mateo Mei Miguel Min-jun Mohammed Nadia Naoko Nikhil Nina Noah "
    "Olga Omar Pablo Paolo Pedro Priya Rafael Rahul Ravi Rin Rosa Ruth Sakura Samir Sara Sebastian Sergei "
    "Shreya Sofia Sven Takeshi Tariq Thomas Tomasz Valentina Wei Yara Yuki Yusuf Zainab Zoe"
).split()

LAST_NAMES = (
    "Abe Adeyemi Agarwal Alvarez Andersen Bauer Becker Bianchi Brown Castillo Chandra Costa Dubois Eriksson "
    "Fischer Fujita Garcia Gomez Gupta Hansen Hayashi Hernandez Horvat Ibrahim Ito Jensen Kato Kaur Khan "
    "Kim Kobayashi Kowalski Kumar Lambert Larsen Lee Lindqvist Lopez Martin Matsumoto Meyer Moreau Mori "
    "Murphy Nakamura Nguyen Novak Okafor Olsen Park Patel Petrov Popescu Rao Reddy Ricci Rossi Saito "
    "Santos Sato Schmidt Shah Silva Singh Sokolov Suzuki Takahashi Tanaka Tran Van Dijk Wagner Wang "
    "Watanabe Weber Wong Yamada Yamamoto Yilmaz Yoshida Zhang Zhao Zielinski"
).split()

COMPANIES = [
    "Red Hat", "Canonical", "Mirantis", "Rackspace", "SUSE", "IBM", "HPE", "Cisco", "Intel", "Huawei",
    "Fujitsu", "NEC", "NTT", "OVHcloud", "CERN", "Walmart Labs", "Verizon", "AT&T", "Deutsche Telekom",
    "China Mobile", "Ericsson", "Nokia", "VEXXHOST", "StackHPC", "Wikimedia Foundation",
    "City Network", "Catalyst Cloud", "Bloomberg", "Yahoo! Japan", "LINE Corporation", "Samsung SDS",
]

JOB_TITLES = [
    "Cloud Architect", "Senior Software Engineer", "Principal Engineer", "Site Reliability Engineer",
    "Network Engineer", "Storage Engineer", "DevOps Engineer", "Product Manager", "Technical Lead",
    "Solutions Architect", "Infrastructure Engineer", "Engineering Manager", "Developer Advocate",
    "Open Source Program Manager", "Core Reviewer", "Release Manager", "Performance Engineer",
]

PROJECTS = {
    "cloud-infrastructure": ["Nova", "Ironic", "Keystone", "Placement", "Cyborg", "Heat", "Horizon"],
    "networking": ["Neutron", "OVN", "Octavia", "Designate", "Open vSwitch", "Neutron Dynamic Routing"],
    "storage": ["Cinder", "Swift", "Manila", "Glance", "Ceph", "Barbican"],
    "operations-day-2": ["Kolla-Ansible", "OpenStack-Ansible", "TripleO", "Ceilometer", "Masakari",
                         "Watcher", "Prometheus"],
    "developer-tools-ci": ["Zuul", "DevStack", "Tempest", "Oslo", "Rally", "Gerrit", "tox"],
    "containers-kubernetes": ["Magnum", "Zun", "Kuryr", "Kubernetes", "Kata Containers", "Airship"],
}

TOPICS = {
    "cloud-infrastructure": [
        "Cells v2 at Scale", "Bare Metal as a Service", "NUMA-Aware Scheduling", "GPU Passthrough",
        "Live Migration Without Downtime", "Federated Identity", "Multi-Region Clouds", "Quota Management",
        "Application Credentials", "Unified Limits", "Edge Computing Sites", "Policy in Code"],
    "networking": [
        "IPv6-Only Tenant Networks", "BGP Dynamic Routing", "SR-IOV and DPDK", "Distributed Virtual Routing",
        "Load Balancing at Scale", "Security Groups Performance", "Service Function Chaining",
        "Network Segments and Routed Provider Networks", "VXLAN Overlays", "DNS as a Service",
        "Quality of Service Policies", "Migrating from ML2/OVS to OVN"],
    "storage": [
        "Multi-Attach Volumes", "Erasure Coding", "Backup and Disaster Recovery", "Volume Replication",
        "Image Caching", "Shared File Systems", "Object Storage Tiering", "Encrypted Volumes",
        "Storage QoS", "Multi-Store Images", "Petabyte-Scale Object Storage", "Snapshot Lifecycles"],
    "operations-day-2": [
        "Rolling Upgrades", "Zero-Downtime Maintenance", "Capacity Planning", "Alerting That Pages Less",
        "Instance High Availability", "Log Aggregation", "Chargeback and Showback", "Config Drift",
        "Running a Public Cloud", "Incident Postmortems", "Fast Forward Upgrades", "Resource Optimisation"],
    "developer-tools-ci": [
        "Gating at Scale", "Speculative Merging", "Reproducible Test Environments", "Flaky Test Hunting",
        "Release Automation", "API Reference Docs", "Python Packaging", "Upgrade Testing",
        "Mentoring New Contributors", "Code Review Culture", "Third-Party CI",
        "Performance Regression Tests"],
    "containers-kubernetes": [
        "Kubernetes on Bare Metal", "Cluster Autoscaling", "Container Networking", "Persistent Volumes",
        "Secure Container Runtimes", "Multi-Tenant Clusters", "GitOps Deployments", "Cluster API",
        "Serverless Workloads", "Running OpenStack on Kubernetes", "Edge Kubernetes", "Service Meshes"],
}

SCALES = ["10,000 Cores", "a Thousand Nodes", "Telco Scale", "Five Regions", "Petabyte Scale", "100 Racks"]

TITLE_TEMPLATES = {
    "talk": [
        "{project} in Production: {topic}", "Lessons Learned Running {project} at {scale}",
        "Deep Dive: {topic} with {project}", "{topic}: What We Learned at {company}",
        "Scaling {project} to {scale}", "Beyond the Basics: {topic}",
        "{project} and {project2}: Better Together",
        "Demystifying {topic}", "{topic} the Hard Way", "From Zero to {topic} with {project}",
        "What's New in {project}: {topic}", "How {company} Does {topic}", "{topic}: A Case Study",
    ],
    "panel": ["Panel: The Future of {topic}", "Operators and Developers on {topic}",
              "{project} Roundtable: {topic}"],
    "workshop": ["Hands-on Lab: {topic} with {project}", "Workshop: Building {topic} with {project}"],
    "lightning": ["Five Minutes on {topic}", "{project} Tip: {topic} in Five Minutes"],
}

ABSTRACT_OPENINGS = [
    "{project} has come a long way, and {topic_lower} is where many deployments now struggle.",
    "At {company} we run {project} across {scale_lower}, and {topic_lower} turned out to be harder than "
    "the documentation suggests.",
    "Everyone wants {topic_lower}, but few teams know where to start with {project}.",
    "This session tells the story of how our team adopted {topic_lower} with {project} and {project2}.",
    "{topic} is one of the most requested features from operators this cycle.",
]

ABSTRACT_MIDDLES = [
    "We will walk through the architecture, the configuration that matters and the mistakes we made "
    "along the way.",
    "We cover the design choices, show real numbers from production and compare the alternatives honestly.",
    "Expect a live demo, a tour of the code paths involved and plenty of time for questions.",
    "We explain how {project} and {project2} fit together and where the sharp edges still are.",
    "The talk starts from first principles and ends with a checklist you can apply on Monday.",
]

ABSTRACT_CLOSINGS = [
    "Attendees will leave with a working mental model and links to everything shown.",
    "Whether you are evaluating {project} or already run it, you will learn something useful.",
    "This session is aimed at operators and developers who want fewer surprises in production.",
    "Bring your questions: the last ten minutes are reserved for discussion.",
]

DESCRIPTIONS = [
    "The first half covers the background: why {topic_lower} matters and how {project} approaches it. "
    "The second half is a demo on a small cluster, followed by the lessons of {scale_lower} in production.",
    "We have presented early versions of this work at local meetups; this talk adds the results of the "
    "last release cycle and the upstream changes that came out of them.",
    "Our slides, scripts and configuration will be published under an open licence after the summit.",
]

OUTCOMES = [
    "How {project} implements {topic_lower}", "When to choose {project} over {project2}",
    "The configuration options that matter for {topic_lower}", "How to measure and tune performance",
    "Common failure modes and how to debug them", "A migration path from older releases",
    "How to contribute fixes upstream", "What is planned for the next release",
    "How to size a deployment for {scale_lower}", "Which metrics to watch in production",
]

TAGS = ["upgrades", "performance", "security", "scale", "edge", "nfv", "telco", "hpc", "ai", "automation",
        "monitoring", "ha", "ipv6", "bare metal", "gpu", "multi-tenancy", "case study", "101", "ci"]

REVIEW_COMMENTS = {
    1: ["Off-topic for this track.", "Reads like a product pitch.", "Abstract too vague to judge."],
    2: ["Covered well last summit.", "Interesting but narrow audience.", "Needs a clearer outline."],
    3: ["Solid, but overlaps with two others.", "Good topic; speaker untested.", "Fine as an alternate."],
    4: ["Strong abstract, practical.", "Operators keep asking for this.", "Good speaker, clear outcomes."],
    5: ["Must have.", "Best in the track so far.", "Great real-world story with numbers."],
}

DECISION_REASONS = {
    "accepted": ["Strong community votes and chair support.", "Fills a gap in the track."],
    "alternate": ["Good, but the track is full; first alternate.", "Overlaps with an accepted talk."],
    "rejected": ["Low votes and weak reviews.", "Out of scope for this summit."],
}
