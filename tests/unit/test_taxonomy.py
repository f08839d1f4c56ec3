"""The topic taxonomy: the default file loads, papers get the topics a researcher would give
them, and a broken taxonomy file is reported at the right line."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from site_builder.errors import ContentError, ErrorList
from site_builder.taxonomy import (
    Taxonomy,
    TopicRule,
    assign_topics,
    assign_with_profile,
    default_taxonomy_path,
    load_taxonomy,
    parse_taxonomy,
    topic_profile,
    topic_scores,
    topic_slug,
)

FALLBACK = "Machine learning"


@pytest.fixture(scope="module")
def default() -> Taxonomy:
    return load_taxonomy()


def by_slug(taxonomy: Taxonomy) -> dict[str, str]:
    return {rule.slug: rule.name for rule in taxonomy.topics}


# --------------------------------------------------------------------------------------------
# The packaged default


def test_default_taxonomy_loads(default: Taxonomy) -> None:
    assert default.path == default_taxonomy_path()
    assert default_taxonomy_path().is_file()
    assert default.fallback == FALLBACK
    assert 60 <= len(default.topics) <= 120
    # Two levels: every topic sits in exactly one area, listed in the area's order.
    assert len(default.areas) >= 8
    in_areas = [slug for area in default.areas for slug in area.topic_slugs]
    assert in_areas == [rule.slug for rule in default.topics]
    for rule in default.topics:
        assert rule.area in {area.slug for area in default.areas}, rule.name
        assert rule.description, rule.name
        assert rule.keywords, rule.name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.slug), rule.slug


def test_default_taxonomy_has_the_topics_researchers_browse_by(default: Taxonomy) -> None:
    slugs = set(by_slug(default))
    for slug in (
        "music-and-audio",
        "speech",
        "meta-learning",
        "neural-architecture-search",
        "adversarial-robustness",
        "continual-learning",
        "distributed-learning",
        "diffusion-models",
        "reinforcement-learning",
        "llm-alignment",
        "large-language-models",
        "llm-agents",
        "llm-reasoning",
        "computer-vision",
        "3d-generation",
        "video-generation",
        "efficiency",
        "theory",
        "code-generation",
        "graph-learning",
        "robotics",
        "multimodal",
        "distributed-learning",
        "healthcare",
        "medical-imaging",
        "vision-language-models",
        "remote-sensing",
        "spiking-neural-networks",
        "neuroscience",
        "wireless-and-signal-processing",
        "finance-and-economics",
        "quantum-machine-learning",
        "cybersecurity",
        "combinatorial-optimization",
        "geometric-deep-learning",
    ):
        assert slug in slugs


def test_topics_can_be_looked_up_by_name_or_slug(default: Taxonomy) -> None:
    rule = default.topic("diffusion-models")
    assert rule is not None and rule.name == "Diffusion and score-based models"
    assert default.topic("Diffusion and Score-Based Models") == rule
    assert default.topic("no such topic") is None
    assert default.names[0] == default.topics[0].name


def test_load_none_is_the_default(default: Taxonomy) -> None:
    assert load_taxonomy(None) == default
    assert load_taxonomy(default_taxonomy_path()) == default


# --------------------------------------------------------------------------------------------
# Realistic papers (written for these tests) get the topics a researcher would give them.
# Each case: title, abstract, slugs that must be among its topics, slug that must come first
# (or None when either of the expected ones may lead).

PAPERS: list[tuple[str, str, set[str], str | None]] = [
    (
        "Attention-Free Message Passing for Heterophilous Graphs",
        "Graph neural networks struggle on heterophilous graphs, where linked nodes tend to carry "
        "different labels. We revisit message passing and propose a layer that weighs neighbours "
        "by learned structural roles rather than feature similarity. On twelve node "
        "classification benchmarks and two link prediction tasks our GNN improves over prior "
        "architectures while using fewer parameters, and it avoids over-smoothing in deep stacks.",
        {"graph-learning"},
        "graph-learning",
    ),
    (
        "Calibrated Preference Optimization Without a Reward Model",
        "Reinforcement learning from human feedback aligns large language models with what people "
        "want, but it needs a separately trained reward model and an unstable RL loop. Direct "
        "preference optimization removes both, yet it overfits when pairwise preference labels "
        "are noisy. We derive a calibrated variant of DPO that accounts for annotator "
        "disagreement and show on chat and summarization benchmarks that the aligned models are "
        "preferred by human raters more often, with fewer reward-hacking failure modes.",
        {"llm-alignment"},
        "llm-alignment",
    ),
    (
        "Outlier-Aware 3-bit Post-Training Quantization for Large Language Models",
        "Serving large language models is bound by memory bandwidth. Post-training quantization "
        "to very low bit widths fails because a few activation channels carry extreme outliers. "
        "We rotate weights to spread these outliers before rounding and quantize both weights "
        "and the KV cache to 3 bits. Perplexity on standard corpora stays within 0.3 of the "
        "16-bit model while inference latency drops by 2.4x on a single GPU.",
        {"efficiency", "large-language-models"},
        "efficiency",
    ),
    (
        "Sparse-View Neural Radiance Fields with Geometry Priors",
        "Neural radiance fields synthesize photorealistic novel views but need dozens of posed "
        "images. With only three input views, NeRF overfits and produces floaters. We regularize "
        "the density field with monocular depth priors and a smoothness term on the rendered "
        "surface. Our method improves novel view synthesis and 3D reconstruction quality on "
        "object and scene datasets over sparse-view baselines.",
        {"3d-vision-and-reconstruction"},
        "3d-vision-and-reconstruction",
    ),
    (
        "FastProsody: Non-Autoregressive Text-to-Speech with Explicit Prosody Control",
        "Modern TTS systems produce natural speech but give users little control over emphasis "
        "and rhythm. We present a non-autoregressive text-to-speech model that predicts phoneme "
        "durations, pitch and energy from text, and lets users edit them before a neural "
        "vocoder renders the waveform. Listening tests show naturalness close to recorded "
        "speech and strong speaker similarity in zero-shot voice cloning.",
        {"speech"},
        "speech",
    ),
    (
        "Self-Debugging Code LLMs with Execution Feedback",
        "Large language models trained on source code can write short functions, but their "
        "first attempt often fails hidden unit tests. We let a code LLM run its program, read "
        "the interpreter's error messages and revise the code over several rounds. On HumanEval "
        "and MBPP this self-debugging loop raises pass@1 by eleven points without extra "
        "training, and it transfers to text-to-SQL tasks.",
        {"code-generation", "large-language-models"},
        "code-generation",
    ),
    (
        "Tighter PAC-Bayes Generalization Bounds for Stochastic Neural Networks",
        "We derive PAC-Bayesian generalization bounds for networks trained with stochastic "
        "gradient descent whose posterior is a Gaussian around the learned weights. Using a "
        "data-dependent prior and a refined KL term, the bounds become non-vacuous on MNIST and "
        "CIFAR-10. We prove that the bound tightens with the flatness of the minimum, giving a "
        "theoretical account of why wide minima generalize.",
        {"theory"},
        "theory",
    ),
    (
        "Conservative Value Estimation for Offline Reinforcement Learning",
        "Offline RL learns a policy from a fixed dataset of logged transitions without further "
        "interaction. Value-based methods overestimate the return of actions the data never "
        "covers. We add a penalty that pushes down Q-values outside the behavior policy's "
        "support while keeping the Bellman backup unbiased on the data. On D4RL locomotion and "
        "manipulation tasks the learned policies outperform behavior cloning and prior offline "
        "reinforcement learning methods.",
        {"reinforcement-learning"},
        "reinforcement-learning",
    ),
    (
        "Label-Efficient Tumor Segmentation in Brain MRI",
        "Delineating tumors in brain MRI scans is slow for radiologists, and annotated medical "
        "images are scarce. We pretrain a segmentation network on unlabelled scans from five "
        "hospitals and fine-tune it with a handful of annotated patients. The model matches "
        "fully supervised baselines in Dice score with ten percent of the labels and helps "
        "clinicians detect small lesions they would otherwise miss.",
        {"medical-imaging", "healthcare"},
        "medical-imaging",
    ),
    (
        "Personalized Federated Learning under Client Drift",
        "In federated learning, clients hold data from different distributions and local "
        "updates drift apart, slowing the global model. We let each client keep a small "
        "personal head while sharing a common body, and we correct the drift with a control "
        "variate sent alongside the update. The method reduces communication rounds by half "
        "on non-IID benchmarks and comes with a convergence guarantee for nonconvex objectives.",
        {"distributed-learning"},
        "distributed-learning",
    ),
    (
        "Patch-Level Transformers for Long-Horizon Multivariate Time Series Forecasting",
        "Forecasting many correlated sensor channels far into the future remains hard. We split "
        "each time series into patches, embed them independently per channel, and let a "
        "transformer attend across patches. On electricity, traffic and weather datasets the "
        "model reduces forecasting error over recent baselines while training faster.",
        {"time-series"},
        "time-series",
    ),
    (
        "Differentially Private Fine-Tuning with Adaptive Clipping",
        "Fine-tuning on sensitive user data can leak training examples. Differentially private "
        "SGD protects them, but its fixed clipping threshold wastes the privacy budget. We "
        "adapt the threshold per layer from noisy gradient norm statistics. Under the same "
        "privacy guarantee the method improves accuracy on text and image classification and "
        "resists membership inference attacks.",
        {"differential-privacy"},
        "differential-privacy",
    ),
    (
        "Finding Indirect-Object Circuits with Sparse Autoencoders",
        "Mechanistic interpretability aims to explain a model's behaviour in terms of its "
        "internal computations. We train sparse autoencoders on the residual stream of a small "
        "transformer and use the learned features to trace the circuit responsible for "
        "indirect object identification. Ablating the identified features removes the "
        "behaviour, while feature attribution baselines give less faithful explanations.",
        {"interpretability"},
        "interpretability",
    ),
    (
        "Learning Molecular Conformations with Equivariant Networks",
        "Predicting the three-dimensional shape of a molecule from its graph is central to drug "
        "discovery. We train an E(3)-equivariant network to generate low-energy conformers and "
        "to predict chemical properties of small molecules and proteins. Our model is faster "
        "than physics-based simulation and more accurate than previous learned approaches.",
        # The specific topic, not the umbrella "AI for science" beside it.
        {"molecules-and-drug-discovery"},
        "molecules-and-drug-discovery",
    ),
    (
        "Doubly Robust Estimation of Heterogeneous Treatment Effects",
        "Estimating how a treatment affects different individuals from observational data "
        "requires adjusting for confounding. We combine an outcome model with propensity "
        "weighting in a doubly robust estimator of conditional average treatment effects, "
        "and prove it is consistent if either model is correct. Experiments on semi-synthetic "
        "benchmarks show better causal effect estimates than meta-learners.",
        {"causal-inference"},
        "causal-inference",
    ),
    (
        "Grounding Vision-Language Models in Charts",
        "Vision-language models answer questions about natural photos well but misread charts "
        "and plots. We build a training mixture of synthetic charts with question-answer pairs "
        "and fine-tune an open multimodal large language model on it. The resulting VLM "
        "improves visual question answering on chart benchmarks and reduces numerical "
        "hallucinations.",
        {"vision-language-models"},
        "vision-language-models",
    ),
    (
        "Rehearsal-Free Continual Learning with Prompt Pools",
        "Models trained on a sequence of tasks forget earlier ones. Instead of storing old "
        "examples, we keep a pool of learnable prompts and select a few for each input. This "
        "mitigates catastrophic forgetting on class-incremental image benchmarks and makes "
        "continual learning practical where storing data is not allowed.",
        {"continual-learning"},
        "continual-learning",
    ),
    (
        "Real-Time Object Detection with Dynamic Token Pruning",
        "Detection transformers are accurate but slow. We prune background tokens early in the "
        "vision transformer backbone and refine the remaining ones for object detection. On "
        "COCO the detector runs 1.8x faster with a small drop in average precision, making "
        "real-time detection possible on a laptop GPU.",
        {"object-detection-and-segmentation", "efficiency"},
        "object-detection-and-segmentation",
    ),
    (
        "Text-Conditioned Latent Diffusion for Drum Loop Generation",
        "We train a latent diffusion model on a large collection of drum loops to generate "
        "audio from text descriptions of groove, tempo and genre. A classifier-free guided "
        "sampler keeps the rhythm on the beat grid. Listeners rate our loops as more musical "
        "than those of earlier text-to-audio systems.",
        {"music-and-audio", "diffusion-models"},
        None,
    ),
    (
        "Learning Dexterous In-Hand Manipulation from Human Video",
        "Teaching a robot hand to reorient objects needs many demonstrations. We retarget hand "
        "poses from human videos to a five-fingered robotic hand, train a policy in simulation "
        "with reinforcement learning, and transfer it to hardware without fine-tuning. The "
        "policy reorients unseen objects on a real robot.",
        # The specific topic first; the broad one stays on the paper.
        {"robotics", "robot-manipulation"},
        "robot-manipulation",
    ),
    (
        "Disentangling Factors of Variation with a Structured Variational Autoencoder",
        "We learn disentangled representations with a VAE whose latent prior is structured. On "
        "dSprites and 3D shapes our model improves disentanglement metrics.",
        {"representation-learning"},
        None,
    ),
    (
        "Explaining Image Classifiers by Counterfactual Generation",
        "We explain the decisions of image classifiers with saliency maps derived from "
        "counterfactual in-filling, and show our attributions are more faithful than "
        "gradient-based ones.",
        {"interpretability"},
        None,
    ),
    (
        "Stable GRPO Updates for Long-Horizon Math Problems",
        "Group relative policy optimization (GRPO) trains a language model on sampled answers "
        "without a value network, but its updates grow unstable on long solutions. We clip "
        "each group's advantage by its spread and reuse earlier samples off-policy. GRPO with "
        "these changes trains twice as long before collapsing and solves more problems.",
        {"reinforcement-learning", "llm-reasoning"},
        None,
    ),
    (
        "Budgeted Tool Calling for Web Agents",
        "Agents built on large language models solve multi-step web tasks by calling tools such "
        "as search, a browser and a code interpreter. Each call costs time and money, yet "
        "current LLM agents call tools greedily. We train a small controller that decides when "
        "a tool call is worth it. On WebArena and two function-calling benchmarks the agent "
        "completes as many tasks with 40% fewer calls.",
        {"llm-agents"},
        "llm-agents",
    ),
    (
        "Shorter Chains of Thought Through Verifiable Rewards",
        "Reasoning models solve competition math by writing long chains of thought, most of "
        "which repeat earlier steps. We fine-tune with reinforcement learning on verifiable "
        "rewards that also charge for each token of the reasoning trace. On GSM8K and MATH the "
        "model keeps its accuracy while its traces are half as long, and test-time scaling "
        "with majority voting gains more per unit of compute.",
        {"llm-reasoning"},
        "llm-reasoning",
    ),
    (
        "Sequential Recommendation with Contrastive User Modelling",
        "Recommender systems predict what a user will click next from their history. We add a "
        "contrastive objective that pulls together augmented views of the same user's "
        "sequence. On three e-commerce datasets the model improves recommendation accuracy, "
        "especially for cold-start users.",
        {"recommender-systems"},
        "recommender-systems",
    ),
    (
        "Improving Low-Resource Machine Translation with Back-Translation Curricula",
        "Neural machine translation needs parallel text that most language pairs lack. We "
        "order synthetic back-translated sentences from easy to hard during training. For "
        "eight low-resource languages this curriculum improves BLEU over uniform sampling.",
        {"machine-translation"},
        "machine-translation",
    ),
]


@pytest.mark.parametrize(
    ("title", "abstract", "expected", "first"), PAPERS, ids=[p[0][:40] for p in PAPERS]
)
def test_papers_get_the_topics_a_researcher_would_give(
    default: Taxonomy, title: str, abstract: str, expected: set[str], first: str | None
) -> None:
    names = by_slug(default)
    topics = assign_topics(title, abstract, default)
    assert 1 <= len(topics) <= 3
    for slug in expected:
        assert names[slug] in topics, (slug, topics)
    if first is not None:
        assert topics[0] == names[first], topics


def test_music_paper_is_not_tagged_diffusion_without_saying_so(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Chord-Aware Transformer for Jazz Accompaniment",
        "We generate piano accompaniment for a given melody and chord chart with a transformer "
        "trained on symbolic music. Musicians prefer our accompaniments to rule-based ones.",
        default,
    )
    assert topics[0] == names["music-and-audio"]
    assert names["diffusion-models"] not in topics


def test_rlhf_paper_is_alignment_before_reinforcement_learning(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Reward Model Ensembles Reduce Overoptimization in RLHF",
        "Optimizing a language model against a learned reward model from human feedback "
        "eventually exploits its errors. Ensembles of reward models curb this reward hacking.",
        default,
    )
    assert topics[0] == names["llm-alignment"]


# Neighbouring topics a field tells apart: (why, title, abstract, best topic, topics it must
# not get). Each row is a paper the older, coarser taxonomy filed on the wrong page.
SPLITS = [
    (
        "satellite imagery is remote sensing, not weather",
        "Change Detection in Multispectral Satellite Images after Floods",
        "We segment flooded buildings in pairs of satellite images taken before and after an "
        "event, and release a remote sensing benchmark of 4,000 annotated tiles.",
        "remote-sensing",
        ("weather-and-climate",),
    ),
    (
        "a multimodal LLM is a vision-language model, not fusion or an LLM paper",
        "Token Pruning for Faster Multimodal LLMs",
        "Multimodal large language models spend most of their compute on image tokens. We "
        "drop the image tokens the question does not attend to and keep visual question "
        "answering accuracy while decoding twice as fast.",
        "vision-language-models",
        ("multimodal", "large-language-models"),
    ),
    (
        "audio-visual fusion stays multimodal learning",
        "Robust Audio-Visual Emotion Recognition with Missing Modalities",
        "We fuse audio, video and physiological signals with a gated multimodal fusion module "
        "that keeps working when a modality is missing at test time.",
        "multimodal",
        ("vision-language-models",),
    ),
    (
        "a vision-language-action policy is robotics",
        "Fault-Tolerant Vision-Language-Action Policies",
        "Vision-language-action models map camera images and instructions to joint commands. "
        "We study how they fail when a joint is faulty and recover with a learned monitor.",
        "robotics",
        ("vision-language-models",),
    ),
    (
        "segmenting CT scans is medical imaging",
        "Label-Efficient Lung Nodule Segmentation in Chest CT",
        "We segment lung nodules in computed tomography scans with a U-Net trained on a few "
        "hundred annotated slices, and transfer it to low-dose screening scans.",
        "medical-imaging",
        (),
    ),
    (
        "health records are healthcare, not medical imaging",
        "Predicting Sepsis from Electronic Health Records",
        "We predict sepsis onset six hours ahead from the electronic health records of 40,000 "
        "intensive-care patients, with a recurrent model over vital signs and lab results.",
        "healthcare",
        ("medical-imaging",),
    ),
    (
        "spiking networks on an FPGA are neuromorphic computing",
        "Spiking Neural Network Inference on FPGAs",
        "We compile spiking neural networks of leaky integrate-and-fire neurons to FPGA "
        "firmware and run them at a microsecond per spike.",
        "spiking-neural-networks",
        (),
    ),
    (
        "the word agent alone is not reinforcement learning",
        "Benchmarking Agents on Realistic Office Workflows",
        "We release a benchmark of 300 office workflows for LLM agents. Each agent calls tools "
        "to edit spreadsheets and send mail; a state checker grades whether the agent reached "
        "the goal. The best agent completes 41% of the workflows.",
        "llm-agents",
        ("reinforcement-learning",),
    ),
    (
        "decoding EEG is neuroscience, a brain tumour is medical imaging",
        "Decoding Imagined Speech from EEG Recordings",
        "We decode imagined words from the EEG of 20 participants with a convolutional model "
        "over the electrode signals and compare it with fMRI decoders of the same brain areas.",
        "neuroscience",
        ("medical-imaging",),
    ),
    (
        "channel estimation is wireless, not time series",
        "Learned Channel Estimation for Massive MIMO",
        "We estimate the channel state information of a massive MIMO base station from few "
        "pilots with a denoising network, and use it for beamforming in an OFDM downlink.",
        "wireless-and-signal-processing",
        ("time-series",),
    ),
    (
        "portfolio construction is finance",
        "Risk-Aware Portfolio Allocation with Deep Reinforcement Learning",
        "We train an agent to rebalance a portfolio of stocks each trading day under transaction "
        "costs, and compare it with mean-variance allocation on ten years of financial data.",
        "finance-and-economics",
        (),
    ),
    (
        "a variational quantum circuit is quantum machine learning",
        "Barren Plateaus in Variational Quantum Classifiers",
        "Parameterized quantum circuits trained as classifiers lose their gradients as qubits "
        "are added. We show a layerwise initialisation that keeps them trainable on NISQ devices.",
        "quantum-machine-learning",
        (),
    ),
    (
        "malware detection is cybersecurity",
        "Graph Embeddings of Call Graphs for Android Malware Detection",
        "We detect Android malware from the call graphs of apps, embedding each graph and "
        "classifying it; the detector stays accurate on malware families unseen in training.",
        "cybersecurity",
        (),
    ),
    (
        "routing problems are combinatorial optimization, not robotics",
        "Attention Models for the Capacitated Vehicle Routing Problem",
        "We train an attention model with reinforcement learning to construct solutions of the "
        "vehicle routing problem, and improve them with a learned local search, closing the gap "
        "to an integer programming solver on instances of up to 500 customers.",
        "combinatorial-optimization",
        ("robotics",),
    ),
    (
        "an equivariant network is geometric deep learning",
        "SE(3)-Equivariant Networks for Point Clouds",
        "We build rotation-equivariant layers from steerable kernels so that the network's "
        "predictions on point clouds turn with the input; equivariance saves data augmentation.",
        "geometric-deep-learning",
        (),
    ),
]


@pytest.mark.parametrize(
    ("why", "title", "abstract", "first", "absent"), SPLITS, ids=[row[0] for row in SPLITS]
)
def test_neighbouring_topics_are_told_apart(
    default: Taxonomy, why: str, title: str, abstract: str, first: str, absent: tuple[str, ...]
) -> None:
    names = by_slug(default)
    topics = assign_topics(title, abstract, default)
    assert topics[0] == names[first], (why, topics)
    for slug in absent:
        assert names[slug] not in topics, (why, topics)


def test_quantum_physics_is_not_quantum_machine_learning(default: Taxonomy) -> None:
    # "quantum" alone names half of physics; the topic needs quantum computing's own words.
    names = by_slug(default)
    topics = assign_topics(
        "Mode-Locking in a Two-Section Quantum Dot Laser",
        "We measure the mode-locking regimes of a quantum dot laser as the bias of its absorber "
        "section changes, and explain them with a delay-differential model.",
        default,
        categories=("quant-ph", "physics.optics"),
    )
    assert names["quantum-machine-learning"] not in topics


def test_vector_quantization_is_not_model_compression(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Vector-Quantized Tokens for Image Generation",
        "We learn a vector quantized image tokenizer and generate images autoregressively "
        "over the discrete codes.",
        default,
    )
    assert names["efficiency"] not in topics
    assert names["computer-vision"] in topics


def test_release_notes_do_not_make_a_paper_about_code(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Robust Semantic Segmentation of Aerial Images",
        "We segment buildings and roads in aerial images. Code is available at "
        "https://github.com/example/code-generation-free and the source code will be released.",
        default,
    )
    assert names["code-generation"] not in topics


def test_a_passing_mention_of_an_llm_is_not_a_topic(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Degradation-Aware Image Super-Resolution with Frequency Priors",
        "Real-world low-resolution photos suffer from blur, noise and compression artifacts. We "
        "estimate the degradation in the frequency domain and condition a restoration network "
        "on it. Unlike methods that prompt large language models (LLMs) to describe the "
        "degradation, our estimator is trained end to end. On real-world benchmarks it recovers "
        "sharper textures with fewer artifacts.",
        default,
    )
    assert topics[0] == names["computer-vision"]
    assert names["large-language-models"] not in topics


def test_a_language_model_the_paper_builds_on_stays_a_topic(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Reprogramming Time Series for Forecasting",
        "We forecast multivariate time series by reprogramming a frozen large language model. "
        "Patches of each series are mapped to text prototypes that the LLM can read, and the "
        "LLM's outputs are projected back to forecasts. The LLM stays frozen, so only small "
        "input and output layers are trained, and it beats specialised forecasters on "
        "long-horizon benchmarks.",
        default,
    )
    assert topics[0] == names["time-series"]
    assert names["large-language-models"] in topics


def test_reasoning_over_a_knowledge_graph_is_not_llm_reasoning(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Multi-Hop Knowledge Graph Reasoning with Relation Paths",
        "Knowledge graph reasoning infers missing facts by following relation paths between "
        "entities. We learn path embeddings for knowledge graph reasoning and improve link "
        "prediction on FB15k-237.",
        default,
    )
    assert topics[0] == names["knowledge-graphs"]
    assert names["llm-reasoning"] not in topics


def test_a_vision_language_model_is_not_an_llm(default: Taxonomy) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Reducing Object Hallucination in Vision-Language Models with Contrastive Decoding",
        "Vision-language models often describe objects that are not in the image. We contrast "
        "the model's token distribution with and without the visual input and down-weight "
        "tokens the image does not support. Across captioning and visual question answering "
        "benchmarks, hallucinated objects drop by a third without retraining.",
        default,
    )
    assert topics[0] == names["vision-language-models"]
    assert names["large-language-models"] not in topics


# --------------------------------------------------------------------------------------------
# How many topics, and the fallback


def test_every_paper_gets_one_to_three_topics(default: Taxonomy) -> None:
    for title, abstract, _, _ in PAPERS:
        for n in (1, 2, 3):
            topics = assign_topics(title, abstract, default, max_topics=n)
            assert 1 <= len(topics) <= n
            assert len(set(topics)) == len(topics)


def test_max_topics_one_keeps_the_best(default: Taxonomy) -> None:
    title, abstract, _, first = PAPERS[2]
    assert assign_topics(title, abstract, default, max_topics=1) == (by_slug(default)[first],)


def test_max_topics_must_be_positive(default: Taxonomy) -> None:
    with pytest.raises(ValueError):
        assign_topics("x", "y", default, max_topics=0)


def test_nothing_matching_gives_the_fallback(default: Taxonomy) -> None:
    assert assign_topics("On Gardens in Spring", "It rained a lot in April.", default) == (
        FALLBACK,
    )
    assert assign_topics("", "", default) == (FALLBACK,)


def test_a_weak_hint_alone_is_not_enough(default: Taxonomy) -> None:
    # "image" is only a hint (weight 1): in an abstract once it should not decide a topic.
    assert assign_topics("A Note", "We include one image for illustration.", default) == (FALLBACK,)


def test_no_padding_with_weak_secondary_topics(default: Taxonomy) -> None:
    topics = assign_topics(
        "Symbolic Music Generation with Structure-Aware Transformers",
        "We generate symbolic music with long-range structure. Musicians rate the melodies and "
        "chord progressions as coherent. We also include one image of a score.",
        default,
    )
    assert len(topics) == 1


def test_assignment_is_deterministic(default: Taxonomy) -> None:
    for title, abstract, _, _ in PAPERS:
        first = assign_topics(title, abstract, default)
        assert all(assign_topics(title, abstract, default) == first for _ in range(3))
        # A freshly loaded taxonomy gives the same answer.
        assert assign_topics(title, abstract, load_taxonomy()) == first


# --------------------------------------------------------------------------------------------
# Matching rules, on a tiny taxonomy written here


def write(tmp_path: Path, text: str, name: str = "topics.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


TINY = """\
fallback: Other
topics:
  - name: Reinforcement learning
    keywords:
      rl: 4
      policy: 2
  - name: GANs
    keywords:
      gan: 4
  - name: Compression
    keywords:
      quantiz*: 3
      distillation: 3
      score distillation: 0
      auto-encoder: 3
  - name: Second
    keywords:
      shared: 4
  - name: First
    keywords:
      shared: 4
"""


@pytest.fixture()
def tiny(tmp_path: Path) -> Taxonomy:
    return load_taxonomy(write(tmp_path, TINY))


def test_whole_words_only(tiny: Taxonomy) -> None:
    assert assign_topics("A world of girls", "Controlled trials in the real world.", tiny) == (
        "Other",
    )
    assert assign_topics("Organ donation", "Organic chemistry and slogans.", tiny) == ("Other",)
    assert assign_topics("Offline RL", "", tiny) == ("Reinforcement learning",)
    assert assign_topics("RL-based tuning", "", tiny) == ("Reinforcement learning",)
    assert assign_topics("A GAN for faces", "", tiny) == ("GANs",)


def test_case_and_plurals(tiny: Taxonomy) -> None:
    assert assign_topics("Conditional GANs", "", tiny) == ("GANs",)
    assert assign_topics("Diverse Policies", "", tiny) == ("Reinforcement learning",)
    assert assign_topics("Sparse Auto Encoders", "", tiny) == ("Compression",)
    assert assign_topics("autoencoders", "", tiny) == ("Compression",)


def test_wildcard_and_british_spelling(tiny: Taxonomy) -> None:
    assert assign_topics("Quantized networks", "", tiny) == ("Compression",)
    assert assign_topics("Quantisation at scale", "", tiny) == ("Compression",)


def test_longest_phrase_wins_so_weight_zero_masks(tiny: Taxonomy) -> None:
    assert assign_topics("Score distillation for 3D", "", tiny) == ("Other",)
    assert assign_topics("Knowledge distillation", "", tiny) == ("Compression",)


def test_title_counts_more_than_abstract(tiny: Taxonomy) -> None:
    # "gan" once in the title (4 x 3) beats "rl" twice in the abstract (4 x 1.5).
    topics = assign_topics("A GAN", "We use RL. RL helps.", tiny)
    assert topics[0] == "GANs"


def test_ties_follow_taxonomy_order(tiny: Taxonomy) -> None:
    assert assign_topics("shared", "", tiny)[:2] == ("Second", "First")


def test_unicode_text(tiny: Taxonomy) -> None:
    # A non-breaking hyphen joins words like "-"; curly quotes and dashes do not.
    assert assign_topics("Auto\u2011encoders", "", tiny) == ("Compression",)
    assert assign_topics("\u201cGAN\u201d \u2014 a study", "", tiny) == ("GANs",)
    assert assign_topics("Über \u201cauto\u201d encoders", "", tiny) == ("Other",)


def test_names_with_plus_signs_still_match(tiny: Taxonomy) -> None:
    assert assign_topics("GAN++: Better Faces", "", tiny) == ("GANs",)


def test_punctuation_breaks_a_phrase(tiny: Taxonomy) -> None:
    assert assign_topics("Score. Distillation", "", tiny) == ("Compression",)
    assert assign_topics("Auto, encoder", "", tiny) == ("Other",)


def test_an_abbreviation_in_brackets_is_the_same_mention(tiny: Taxonomy) -> None:
    # "policy (RL)" names one thing twice: policy 2 + rl 4, not rl counted twice as well.
    assert dict(topic_scores("", "A policy (RL) here.", tiny))["Reinforcement learning"] == 2
    assert dict(topic_scores("", "A policy (RL). RL again.", tiny))["Reinforcement learning"] == 6
    assert dict(topic_scores("", "A policy [RL] here.", tiny))["Reinforcement learning"] == 2
    # Not in brackets, or after a phrase no topic knows, it is a mention of its own.
    assert dict(topic_scores("", "A policy, RL here.", tiny))["Reinforcement learning"] == 6
    assert dict(topic_scores("", "Robot learning (RL) here.", tiny))["Reinforcement learning"] == 4


def test_an_abbreviation_spelled_out_as_another_topics_phrase_is_that_topics(
    tiny: Taxonomy,
) -> None:
    # "GAN (RL)" says what RL stands for in this text: not reinforcement learning, anywhere.
    scores = dict(topic_scores("", "A GAN (RL) here. RL twice. RL thrice.", tiny))
    assert "Reinforcement learning" not in scores
    assert scores["GANs"] == 4
    # Another text, another meaning: the rule is per text.
    assert dict(topic_scores("", "RL here.", tiny))["Reinforcement learning"] == 4


def test_multilingual_llms_abbreviated_mllms_are_not_vision_language_models(
    default: Taxonomy,
) -> None:
    names = by_slug(default)
    topics = assign_topics(
        "Translationese in the Generations of Multilingual Large Language Models",
        "Multilingual large language models (MLLMs) write in many languages. We ask whether "
        "MLLMs' generations resemble translated text, comparing MLLMs across ten languages.",
        default,
    )
    assert names["vision-language-models"] not in topics
    assert names["large-language-models"] in topics
    # Spelled out as a vision-language phrase, the same abbreviation is that topic's.
    topics = assign_topics(
        "Token Pruning for MLLMs",
        "Multimodal large language models (MLLMs) spend most compute on image tokens. We "
        "prune MLLMs' visual tokens and keep their answers.",
        default,
    )
    assert topics[0] == names["vision-language-models"]


def test_a_further_topic_needs_more_than_one_mention(tiny: Taxonomy) -> None:
    # RL scores enough to be kept beside GANs (4 of a best 8), but one mention is in passing.
    assert assign_topics("", "A GAN. A GAN. A GAN. We tune it with RL.", tiny) == ("GANs",)
    assert assign_topics("", "A GAN. A GAN. A GAN. We tune it with RL. RL helps.", tiny) == (
        "GANs",
        "Reinforcement learning",
    )


def test_urls_are_ignored(tiny: Taxonomy) -> None:
    assert assign_topics("Faces", "Demo at https://example.org/gan-rl-policy/", tiny) == ("Other",)


def test_topic_rules_can_be_built_directly() -> None:
    rule = TopicRule("Speech", "speech", "Spoken language.", (("speech", 4.0), ("asr", 3.0)))
    taxonomy = Taxonomy(topics=(rule,), fallback="Other", path=None)
    assert assign_topics("Streaming ASR", "", taxonomy) == ("Speech",)
    assert assign_topics("Nothing here", "", taxonomy) == ("Other",)
    # Equality ignores the compiled pattern.
    assert rule == TopicRule("Speech", "speech", "Spoken language.", rule.keywords)


def test_topic_slug_is_path_safe_and_stable() -> None:
    assert topic_slug("Diffusion and score-based models") == "diffusion-and-score-based-models"
    assert (
        topic_slug("Generative models (GANs, VAEs, flows)") == "generative-models-gans-vaes-flows"
    )
    assert topic_slug("3D and video generation") == "3d-and-video-generation"
    assert topic_slug("Fairness, privacy & robustness") == topic_slug(
        "Fairness, privacy & robustness"
    )
    assert re.fullmatch(r"[a-z0-9-]+", topic_slug("Größe/../Ünïcode: étude"))
    assert topic_slug("???") == "topic"


def test_custom_slug_and_description(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(
        write(
            tmp_path,
            "topics:\n  - name: Speech\n    slug: spoken\n    description: Talk.\n"
            "    keywords: {speech: 2}\n",
        )
    )
    (rule,) = taxonomy.topics
    assert (rule.name, rule.slug, rule.description) == ("Speech", "spoken", "Talk.")
    assert taxonomy.fallback == FALLBACK


def test_scoring_settings_are_read(tmp_path: Path) -> None:
    text = TINY + "scoring:\n  title_weight: 5\n  min_score: 10\n"
    taxonomy = load_taxonomy(write(tmp_path, text))
    assert (taxonomy.title_weight, taxonomy.min_score) == (5, 10)
    assert assign_topics("A GAN", "", taxonomy) == ("GANs",)  # 4 x 5 = 20
    assert assign_topics("Faces", "a gan", taxonomy) == ("Other",)  # 4 < 10


# --------------------------------------------------------------------------------------------
# Invalid taxonomy files: path and line in every message


def error_for(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ContentError) as info:
        load_taxonomy(path)
    assert info.value.path == str(path)
    return str(info.value)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ContentError) as info:
        load_taxonomy(path)
    assert str(info.value) == f"{path}: taxonomy file not found"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "topics:\n  - name: A\n    keywords: [a, b]\n",
            3,
            "topics[0] (A).keywords must be a mapping of phrase to weight, got a list",
        ),
        ("topics:\n  - name: A\n    keywords: {}\n", 3, "must list at least one phrase"),
        (
            "topics:\n  - name: A\n    keywords:\n      foo: high\n",
            4,
            "topics[0] (A).keywords['foo'] must be a number, got a string ('high')",
        ),
        (
            "topics:\n  - name: A\n    keywords:\n      foo: true\n",
            4,
            "must be a number, got true/false",
        ),
        (
            "topics:\n  - name: A\n    keywords: {a: 1}\n  - name: B\n    keywrods: {b: 1}\n",
            5,
            "topics[1] (B): unknown key 'keywrods' (did you mean 'keywords'?)",
        ),
        (
            "fallbak: Other\ntopics:\n  - name: A\n    keywords: {a: 1}\n",
            1,
            "unknown taxonomy key 'fallbak' (did you mean 'fallback'?)",
        ),
        (
            "topics:\n  - name: A\n    keywords: {a: 1}\n  - name: a\n    keywords: {b: 1}\n",
            4,
            "topic 'a' is already defined on line 2",
        ),
        (
            "topics:\n  - name: A\n    slug: x\n    keywords: {a: 1}\n"
            "  - name: B\n    slug: x\n    keywords: {b: 1}\n",
            6,
            "slug 'x' is already used by topic 'A' on line 2",
        ),
        (
            "topics:\n  - name: A\n    slug: Not A Slug\n    keywords: {a: 1}\n",
            3,
            "topics[0] (A).slug must be lowercase letters, digits and '-' (it becomes a URL), "
            "got 'Not A Slug' (try 'not-a-slug')",
        ),
        (
            "topics:\n  - name: A\n    keywords:\n      rl: 1\n      RL: 2\n",
            5,
            "'RL' is listed twice (first on line 4)",
        ),
        ("topics:\n  - name: A\n    keywords:\n      '***': 1\n", 4, "not a usable phrase"),
        ("topics:\n  - name: A\n    keywords: {a: 0}\n", 3, "at least one phrase with a positive"),
        ("topics:\n  - keywords: {a: 1}\n", 2, "topics[0] needs 'name'"),
        ("topics:\n  - name: ''\n    keywords: {a: 1}\n", 2, "topics[0].name must not be empty"),
        ("topics: []\n", 1, "topics must list at least one topic"),
        ("topics: {a: 1}\n", 1, "topics must be a list of topics, got a mapping"),
        ("fallback: Other\n", 1, "the taxonomy needs a 'topics:' list"),
        ("- a\n- b\n", 1, "the taxonomy must be a mapping"),
        ("", 1, "taxonomy file is empty"),
        (
            "scoring:\n  min_score: -1\ntopics:\n  - name: A\n    keywords: {a: 1}\n",
            2,
            "scoring.min_score must be positive",
        ),
        (
            "scoring:\n  secondary_ratio: 2\ntopics:\n  - name: A\n    keywords: {a: 1}\n",
            2,
            "scoring.secondary_ratio must be between 0 and 1",
        ),
        (
            "scoring:\n  title_weigth: 2\ntopics:\n  - name: A\n    keywords: {a: 1}\n",
            2,
            "did you mean 'title_weight'?",
        ),
        (
            "fallback: Other\ntopics:\n  - name: other\n    keywords: {a: 1}\n",
            1,
            "fallback 'Other' has the same slug as topic 'other'",
        ),
        ("topics:\n  - name: A\n    keywords: {a: 1\n", 4, "YAML syntax error"),
        (
            "topics:\n  - name: A\n    keywords:\n      a: 1\n     b: 2\n",
            5,
            "YAML syntax error",
        ),
        ("topics:\n  - name: A\n    name: B\n    keywords: {a: 1}\n", 3, "has 'name' twice"),
    ],
)
def test_invalid_files_report_path_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    error = error_for(tmp_path, text)
    prefix = f"{tmp_path / 'topics.yaml'}:{line}: "
    assert error.startswith(prefix), error
    assert message in error, error


def test_yaml_words_are_phrases_not_booleans(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(
        write(tmp_path, "topics:\n  - name: A\n    keywords: {yes: 2, 3d: 3}\n")
    )
    assert taxonomy.topics[0].keywords == (("yes", 2.0), ("3d", 3.0))
    assert assign_topics("Text-to-3D", "", taxonomy) == ("A",)


# --------------------------------------------------------------------------------------------
# Two levels, categories and source keywords

TWO_LEVEL = """\
areas:
  - name: Physics
    description: Matter and energy.
    topics:
      - name: Condensed matter
        keywords:
          superconduct*: 4
        categories:
          cond-mat.supr-con: 4
      - name: Cosmology
        keywords:
          dark matter: 4
  - name: Biology
    topics:
      - name: Genomics
        keywords:
          genome: 4
"""


def test_two_level_file_gives_areas_in_order() -> None:
    taxonomy = parse_taxonomy(TWO_LEVEL, Path("t.yaml"))
    assert [(a.slug, a.topic_slugs) for a in taxonomy.areas] == [
        ("physics", ("condensed-matter", "cosmology")),
        ("biology", ("genomics",)),
    ]
    assert [rule.area for rule in taxonomy.topics] == ["physics", "physics", "biology"]
    assert taxonomy.areas[0].description == "Matter and energy."


def test_one_level_file_has_no_areas() -> None:
    taxonomy = parse_taxonomy("topics:\n  - name: A\n    keywords:\n      alpha: 4\n", Path("t"))
    assert taxonomy.areas == ()
    assert taxonomy.topics[0].area == ""


def test_category_and_source_keywords_decide_when_the_text_does_not() -> None:
    taxonomy = parse_taxonomy(TWO_LEVEL, Path("t.yaml"))
    plain = ("A Measurement", "We report a measurement.")
    assert assign_topics(*plain, taxonomy) == (FALLBACK,)
    assert assign_topics(*plain, taxonomy, categories=("cond-mat.supr-con",)) == (
        "Condensed matter",
    )
    assert assign_topics(*plain, taxonomy, keywords=("Dark matter", "halo")) == ("Cosmology",)


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("areas:\n  - name: P\n", 2, "areas[0] (P) needs 'topics'"),
        ("areas: []\n", 1, "areas must list at least one area"),
        (
            "topics:\n  - name: A\n    keywords: {a: 1}\nareas:\n  - name: P\n    topics: []\n",
            1,
            "'topics:' list or an 'areas:' list",
        ),
        (TWO_LEVEL.replace("Genomics", "Cosmology"), 15, "topic 'Cosmology' is already defined"),
        (
            TWO_LEVEL.replace("cond-mat.supr-con: 4", "cond-mat.supr-con: lots"),
            9,
            "categories['cond-mat.supr-con']",
        ),
    ],
)
def test_bad_two_level_files_name_the_line(source: str, line: int, message: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_taxonomy(source, Path("t.yaml"))
    assert caught.value.line == line
    assert message in str(caught.value)


def test_every_error_in_the_file_is_reported_in_one_run() -> None:
    source = (
        "scoring:\n  strong_score: 0\n"  # 2
        "areas:\n"
        "  - name: Vision\n"  # 4
        "    slug: Vision!\n"  # 5
        "    topics:\n"
        "      - name: Detection\n"  # 7
        "        keywords: {detect*: 4, '': 1}\n"  # 8
        "  - name: Audio\n"  # 9
        "    descripton: Sound.\n"  # 10
        "    topics:\n"
        "      - name: Detection\n"  # 12
        "        keywords: {speech: 0}\n"  # 13
    )
    with pytest.raises(ErrorList) as caught:
        parse_taxonomy(source, Path("t.yaml"))
    assert [str(d) for d in caught.value.diagnostics] == [
        "t.yaml:2: scoring.strong_score must be positive, got 0",
        "t.yaml:5: areas[0] (Vision).slug must be lowercase letters, digits and '-' "
        "(it becomes a URL), got 'Vision!' (try 'vision')",
        "t.yaml:8: areas[0] (Vision).topics[0] (Detection).keywords: '' is not a usable phrase "
        "(words separated by spaces or hyphens; '*' only at the end of a word)",
        "t.yaml:10: areas[1] (Audio): unknown key 'descripton' (did you mean 'description'?)",
        "t.yaml:12: areas[1] (Audio).topics[0] (Detection): topic 'Detection' is already "
        "defined on line 7",
        "t.yaml:13: areas[1] (Audio).topics[0] (Detection).keywords needs at least one phrase "
        "with a positive weight",
    ]


def test_an_unknown_key_without_a_near_miss_lists_the_keys() -> None:
    with pytest.raises(ContentError) as caught:
        parse_taxonomy("topics:\n  - name: A\n    keywords: {a: 1}\n    zzz: 1\n", Path("t"))
    assert str(caught.value) == (
        "t:4: topics[0] (A): unknown key 'zzz' "
        "(expected one of: name, slug, description, keywords, categories)"
    )


def test_broad_topics_do_not_repeat_their_specific_neighbours(default: Taxonomy) -> None:
    # A paper shows its most specific topics: an umbrella topic that held every keyword of a
    # narrower one would tie with it on each of its papers and take them all.
    keywords = {r.name: {k for k, w in r.keywords if w > 0} for r in default.topics}
    for a, b in itertools.combinations(keywords, 2):
        assert len(keywords[a] & keywords[b]) <= 2, (a, b, sorted(keywords[a] & keywords[b]))


@pytest.mark.parametrize(
    ("title", "abstract", "specific", "not_also"),
    [
        (
            "Certified Defences Against Adversarial Patches",
            "Adversarial examples fool image classifiers. We certify robustness to adversarial "
            "patch attacks with randomized smoothing and report certified accuracy.",
            "Adversarial robustness",
            "Fairness and bias",
        ),
        (
            "Test-Time Adaptation with Entropy Minimisation under Distribution Shift",
            "A model meets a domain shift at test time. Test-time adaptation updates the "
            "normalisation layers on unlabelled target domain batches.",
            "Domain adaptation and generalization",
            "Representation and transfer learning",
        ),
    ],
)
def test_a_paper_gets_the_specific_topic_not_the_umbrella(
    default: Taxonomy, title: str, abstract: str, specific: str, not_also: str
) -> None:
    topics = assign_topics(title, abstract, default)
    assert topics[0] == specific, topics
    assert not_also not in topics, topics


def test_a_profile_weighs_topics_by_score_and_is_shorter_when_unsure() -> None:
    taxonomy = parse_taxonomy(
        "topics:\n"
        "  - name: Genomics\n    keywords: {genome: 4, sequencing: 1}\n"
        "  - name: Proteins\n    keywords: {protein: 1}\n",
        Path("t.yaml"),
    )
    sure = topic_profile("A genome atlas", "We sequence a genome, a protein and more.", taxonomy)
    # Genomics: 4 x 3 (title) + 4 (abstract) = 16; Proteins: 1. Weights go as the square root.
    assert [name for name, _w in sure] == ["Genomics", "Proteins"]
    (_g, genomics), (_p, proteins) = sure
    # (weights are rounded to 3 places)
    assert genomics / proteins == pytest.approx(4.0, rel=0.01)
    assert genomics**2 + proteins**2 == pytest.approx(1.0, abs=0.01)
    # Best score 1, under twice min_score (4): the vector is 1/8 long, the text decides.
    unsure = topic_profile("Notes", "A protein.", taxonomy)
    assert unsure == (("Proteins", 0.125),)
    assert topic_profile("Notes", "Nothing here.", taxonomy) == ()
    topics, profile = assign_with_profile("A genome atlas", "A protein.", taxonomy)
    assert topics == assign_topics("A genome atlas", "A protein.", taxonomy)
    assert profile == topic_profile("A genome atlas", "A protein.", taxonomy)


def test_a_profile_keeps_the_best_five_topics(default: Taxonomy) -> None:
    profile = topic_profile(
        "Federated continual meta-learning of graph neural networks for time series",
        "Diffusion models, reinforcement learning, large language models and robotics.",
        default,
    )
    assert len(profile) == 5
    scores = dict(topic_scores(
        "Federated continual meta-learning of graph neural networks for time series",
        "Diffusion models, reinforcement learning, large language models and robotics.",
        default,
    ))  # fmt: skip
    assert [name for name, _w in profile] == list(scores)[:5]
