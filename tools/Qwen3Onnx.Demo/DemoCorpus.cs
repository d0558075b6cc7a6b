using Qwen3Onnx.Runtime.Tokenization;
namespace Qwen3Onnx.Demo;

/// <summary>English prose (written for this project) from which the demo tokenizer learns its merges.</summary>
internal static class DemoCorpus
{
    public const string Text = """
        Hello! You are a helpful assistant. The user asks a question and the assistant answers it with care.
        What is the capital of France? The capital of France is Paris. What is two plus two? Two plus two is four.
        Give me a short introduction to large language models. A language model reads a sequence of tokens and
        predicts the next token. It is trained on a large amount of text, so it learns how words follow each other.
        When the model is large enough, it can answer questions, write stories, translate between languages, and
        explain how a program works. The model does not see letters or words directly: a tokenizer first turns the
        text into numbers. This tokenizer works on bytes, so every piece of text, in any language, can be written
        down, and common pieces such as " the", " and", "ing" or " model" become single tokens.

        Once upon a time there was a small robot who lived in a quiet town by the sea. Every morning the robot
        walked to the harbour, counted the boats, and said hello to the fishermen. One day a storm came and the
        boats did not return. The robot waited on the shore through the night, holding a lamp so that the sailors
        could find their way home. In the morning the sky was clear, the boats came back one after another, and the
        whole town thanked the little robot for its light. From that day on, people said that the robot had the
        warmest heart in the world, even though it was made of metal and wire.

        Thinking step by step helps with hard problems. First, read the question carefully and find what is being
        asked. Second, write down what you know. Third, try a simple example before the general case. Then check
        the answer: does it make sense, are the units right, and would a friend agree with each step? If something
        looks wrong, go back, find the mistake, and fix it. Good answers are short, clear and correct; they say
        what they mean and they explain why.

        The weather today is sunny with a light wind from the west. Tomorrow there will be clouds in the morning
        and rain in the afternoon, with temperatures between twelve and eighteen degrees. Take an umbrella if you
        are going out in the evening. Over the weekend the weather should improve, and Sunday will be warm and dry,
        a perfect day for a walk in the park or a picnic by the river with family and friends.

        To run the model on your computer, export the checkpoint to ONNX, load it with ONNX Runtime, and start a
        chat. The program reads your message, adds the chat template, turns the text into tokens, and asks the
        model for the next token again and again until it writes the end of its turn. Each new token is turned back
        into text and printed as soon as it is ready, so you can watch the answer appear word by word. If you want
        the model to think before it answers, leave thinking on; if you want a quick reply, turn thinking off.

        A good library keeps its promises. Its functions are named after what they compute, its errors say which
        file or field is wrong, and its tests compare the results against known answers instead of trusting the
        code. Reading such a library feels like reading a careful explanation: each part has one job, the data
        flows in one direction, and nothing surprising happens behind your back. Writing software this way takes
        patience, but the reward is a program that other people can understand, change and trust.

        In spring the garden wakes up. Green leaves open on the old apple tree, bees visit the yellow flowers, and
        birds build their nests under the roof. Children play outside until dinner, and neighbours talk over the
        fence about vegetables, music, books and holidays. Summer brings long evenings, autumn brings golden
        fields and heavy rain, and winter covers the quiet streets with snow while families gather near the fire.

        Numbers, names and code also need tokens: 1, 2, 3, 10, 42, 100, 2024, 3.14; Alice, Bob, London, Tokyo;
        def main(): return 0; for (int i = 0; i < n; i++) { sum += values[i]; } print("Hello, world!")
        """;
}
